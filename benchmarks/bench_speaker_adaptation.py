"""Speaker adaptation on kathleen -> dev cathy, through the Watson façade.

Everything goes the way a user of the service goes: a store, a custom
acoustic model per variant, the adapt set ../shared/data/adapt/kathleen
(360 utterances, 18 min, one speaker) added as one zip archive with
``add_audio``, ``train_acoustic_model``, then ``recognize`` with
``acoustic_customization_id`` on the dev set. Variants:

* (a) unsupervised: training transcribes the audio with the base model;
* (b) lightly supervised: ``custom_language_model_id`` names a custom LM
  trained on the adapt set's transcripts (a corpus);
* (c) the model of (b) in recognition together with that custom LM
  (``language_customization_id``).

Prints WER on the same speaker's ``cathy_*`` recordings and on the other
16 kHz speakers (the custom models are broadband models; the 8 kHz sources
go to the narrowband model and are left out), training time against the
audio's duration, and the senone scoring time of an adapted model against
the base one (same run).

    python benchmarks/bench_speaker_adaptation.py [--limit N] [--threads T]

Last run (2026-12-02 09:46-10:46, whole adapt set, 179 dev utterances at
16 kHz, --threads 2, load 6-18 on 2 cores; training uses the posterior-
weighted unsupervised statistics, AdaptationOptions.confidence_weighting,
the same estimation as benchmarks/bench_unsupervised_weights.py):

    base              cathy WER 0.1863   other 16 kHz speakers 0.3928
    (a) unsupervised  cathy WER 0.1569 (-15.8 % relative)  others 0.4882 (+24 %)
    (b) light         cathy WER 0.1544 (-17.1 % relative)  others 0.5118 (+30 %)
    (c) light + LM    cathy WER 0.1544 (-17.1 % relative)  others 0.5104 (+30 %)
    training CPU time 332 s / 365 s for 1079 s of audio (0.31 / 0.34 x audio;
    wall 3176 / 3325 s, both at once under that load)
    scoring time of an adapted model vs base: +3.4 %

A custom model is for its speaker: other speakers' WER rises by a quarter
to a third with any variant.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import SHARED  # noqa: E402
from dev_set import load_dev_set, wer_table  # noqa: E402

from asr_engine import _core  # noqa: E402
from asr_engine.adapt.training import features_for  # noqa: E402
from asr_engine.customization import Store  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402

ADAPT = SHARED / "data" / "adapt" / "kathleen"
NARROW_SOURCES = {"fsdd", "osr"}


def adapt_rows(limit: int | None) -> list[dict]:
    return list(csv.DictReader(open(ADAPT / "refs.tsv", encoding="utf-8"), delimiter="\t"))[:limit]


def archive(rows) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for r in rows:
            z.write(ADAPT / f"{r['id']}.wav", f"{r['id']}.wav")
    return buf.getvalue()


def wait(stt: SpeechToText) -> None:
    assert stt.store.wait_idle(7200)


def decode(stt: SpeechToText, utts, threads: int, **ids) -> dict[str, str]:
    """Transcripts of ``utts`` (``threads`` requests at a time, as a server would)."""
    def one(u):
        body = stt.recognize(str(u.path), "audio/wav", **ids)
        return u.id, " ".join(r["alternatives"][0]["transcript"].strip() for r in body["results"])

    with ThreadPoolExecutor(threads) as pool:
        return dict(pool.map(one, utts))


def report(name: str, hyps: dict[str, str], utts) -> tuple[float, float]:
    same = [u for u in utts if u.source == "cathy"]
    other = [u for u in utts if u.source != "cathy"]
    w_same, _ = wer_table(hyps, same)
    w_other, per = wer_table(hyps, other)
    cells = "  ".join(f"{k} {e / max(1, n):.3f}" for k, (e, n) in per.items())
    print(f"{name:16s} cathy WER {w_same:.4f}   other speakers {w_other:.4f}   [{cells}]", flush=True)
    return w_same, w_other


def scoring_overhead(recognizer, adapted, rounds: int = 15) -> float:
    """Extra senone-scoring time of ``adapted`` over the base model: both
    score the same frames (all senones) in alternation, ``rounds`` times;
    each side's least CPU time of this thread (time.thread_time: not the
    time other processes took the core) is compared."""
    feats = np.vstack([features_for(recognizer, str(u.path))[0] for u in load_dev_set()[:8]])
    base = _core.SenoneScorer(recognizer.acoustic_model.native)
    ad = _core.SenoneScorer(adapted.native)
    best = {"base": float("inf"), "adapted": float("inf")}
    base.score(feats), ad.score(feats)  # warm-up
    for _ in range(rounds):
        for name, scorer in (("base", base), ("adapted", ad)):
            t = time.thread_time()
            scorer.score(feats)
            best[name] = min(best[name], time.thread_time() - t)
    return best["adapted"] / best["base"] - 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="use only the first N adapt utterances")
    ap.add_argument("--threads", type=int, default=2, help="concurrent recognize requests and trainings")
    args = ap.parse_args()
    rows = adapt_rows(args.limit)
    utts = [u for u in load_dev_set() if u.source not in NARROW_SOURCES]
    with tempfile.TemporaryDirectory() as home:
        store = Store(home, min_acoustic_minutes=0.5 if args.limit else 10.0, workers=args.threads)
        stt = SpeechToText(store, owner="bench")
        lm = stt.create_language_model("kathleen transcripts", "en-US_BroadbandModel")["customization_id"]
        stt.add_corpus(lm, "transcripts", "\n".join(r["transcript"] for r in rows).encode("utf-8"))
        wait(stt)
        stt.train_language_model(lm)
        wait(stt)
        data = archive(rows)
        models = {}
        supervision = {"(a) unsupervised": None, "(b) light": lm}
        for name in supervision:
            cid = models[name] = stt.create_acoustic_model(name, "en-US_BroadbandModel")["customization_id"]
            stt.add_audio(cid, "kathleen", data, content_type="application/zip")
        wait(stt)
        stt.language_models.base_models["en-US_BroadbandModel"].recognizer()  # loaded before the clock starts
        t = time.perf_counter()
        for name, cid in models.items():  # both train at once, on the store's workers
            stt.train_acoustic_model(cid, custom_language_model_id=supervision[name])
        wait(stt)
        took = time.perf_counter() - t
        for name, cid in models.items():
            status = stt.get_acoustic_model(cid)
            assert status["status"] == "available", status
            minutes = stt.list_audio(cid)["total_minutes_of_audio"]
            info = stt.acoustic_models.adapted_model(stt.owner, cid).info
            own, cpu = info["training_seconds"], info.get("training_cpu_seconds", float("nan"))
            print(f"train {name:16s} {own:7.1f} s for {minutes * 60:.0f} s of audio = {own / (minutes * 60):.3f} x "
                  f"audio (CPU time of its thread {cpu:.1f} s = {cpu / (minutes * 60):.3f} x audio: the wall time "
                  f"on a core of its own); frames used {info['frames_used']:.0f}, classes {len(info['classes'])}",
                  flush=True)
        print(f"both trainings at once: {took:.1f} s wall for {2 * minutes * 60:.0f} s of audio "
              f"= {took / (2 * minutes * 60):.3f} x audio; load {os.getloadavg()[0]:.1f}", flush=True)
        base_same, base_other = report("base", decode(stt, utts, args.threads), utts)
        variants = {"(a) unsupervised": dict(acoustic_customization_id=models["(a) unsupervised"]),
                    "(b) light": dict(acoustic_customization_id=models["(b) light"]),
                    "(c) light + LM": dict(acoustic_customization_id=models["(b) light"],
                                           language_customization_id=lm)}
        for name, ids in variants.items():
            same, other = report(name, decode(stt, utts, args.threads, **ids), utts)
            print(f"{'':16s} cathy {100 * (base_same - same) / base_same:+.1f} % relative WER reduction; "
                  f"other speakers {100 * (base_other - other) / base_other:+.1f} %", flush=True)
        recognizer = stt.acoustic_models.base_models["en-US_BroadbandModel"].recognizer()
        adapted = stt.acoustic_models.adapted_model(stt.owner, models["(b) light"])
        print(f"scoring time of an adapted model vs base: {100 * scoring_overhead(recognizer, adapted):+.1f} %")
        store.close()


if __name__ == "__main__":
    main()
