"""Custom language models through the Watson façade, as a service user runs them.

For each corpus: create a model, ``add_corpus``, poll until analysed, train,
poll until ``available``, and recognize the matching dev recordings with
``language_customization_id`` at the default weight, against the base model
on the same recordings in the same run. Prints the WER before and after and
the time of each step (analysis, training, first and later recognitions).

    python benchmarks/bench_watson_customization.py [--part sonnets|arctic|all]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import SHARED  # noqa: E402
from dev_set import load_dev_set, wer_table  # noqa: E402

from asr_engine.customization import Store  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402

CORPORA = SHARED / "data" / "corpora"
PARTS = {"sonnets": (CORPORA / "sonnets" / "sonnets_4-154.txt", ("sonnet_",)),
         "arctic": (CORPORA / "arctic" / "prompts.txt", ("cathy_", "arctic_"))}


def poll(stt: SpeechToText, cid: str, done) -> float:
    t = time.perf_counter()
    while not done(stt, cid):
        time.sleep(0.01)
    return time.perf_counter() - t


def transcript(body: dict) -> str:
    return " ".join(r["alternatives"][0]["transcript"].strip() for r in body["results"])


def run(stt: SpeechToText, name: str) -> None:
    corpus, prefixes = PARTS[name]
    utts = [u for u in load_dev_set() if u.id.startswith(prefixes)]
    cid = stt.create_language_model(name, "en-US_BroadbandModel")["customization_id"]
    t = time.perf_counter()
    with open(corpus, "rb") as f:
        stt.add_corpus(cid, name, f)
    poll(stt, cid, lambda s, c: s.get_corpus(c, name)["status"] != "being_processed")
    analysis = time.perf_counter() - t
    info = stt.get_corpus(cid, name)
    t = time.perf_counter()
    stt.train_language_model(cid)
    poll(stt, cid, lambda s, c: s.get_language_model(c)["status"] not in ("training",))
    training = time.perf_counter() - t
    assert stt.get_language_model(cid)["status"] == "available", stt.get_language_model(cid)
    base, custom, times = {}, {}, {"base": [], "custom": []}
    for u in utts:
        audio = u.path.read_bytes()
        t = time.perf_counter()
        base[u.id] = transcript(stt.recognize(audio, "audio/wav"))
        times["base"].append(time.perf_counter() - t)
        t = time.perf_counter()
        custom[u.id] = transcript(stt.recognize(audio, "audio/wav", language_customization_id=cid))
        times["custom"].append(time.perf_counter() - t)
    base_wer, base_per = wer_table(base, utts)
    cus_wer, cus_per = wer_table(custom, utts)
    first_extra = times["custom"][0] - times["base"][0]
    later = sum(times["custom"][1:]) / max(1e-9, sum(times["base"][1:]))
    print(f"{name}: {len(utts)} utterances; corpus total_words {info['total_words']}, "
          f"OOV {info['out_of_vocabulary_words']}; analysis {analysis:.2f} s, "
          f"training {training:.2f} s")
    print(f"  base WER {base_wer:.2%} {base_per}")
    print(f"  custom WER {cus_wer:.2%} {cus_per}  relative change {(cus_wer - base_wer) / base_wer:+.1%}")
    print(f"  first custom recognition +{first_extra:.2f} s over base; later ones {later:.2f}x base time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["all", *PARTS], default="all")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Store(tmp) as store:
        stt = SpeechToText(store, "bench")
        stt.recognize((SHARED / "data" / "dev" / "cathy_a0028_1592747901.wav").read_bytes(), "audio/wav")  # load
        for name in PARTS if args.part == "all" else [args.part]:
            run(stt, name)


if __name__ == "__main__":
    main()
