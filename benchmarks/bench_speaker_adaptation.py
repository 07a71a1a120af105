"""Speaker adaptation on kathleen -> dev cathy, through the library API.

Trains adapted acoustic models on ../shared/data/adapt/kathleen (360
utterances, 18 min, one speaker): (a) unsupervised (a first recognition
pass, confident words only) and (b) supervised with the adapt set's
transcripts; then decodes the dev set with the base model and each adapted
one and prints WER on the same speaker's `cathy_*` recordings and on every
other source. Also: training time against the audio's duration, and the
senone scoring time of an adapted model against the base one (same run).

    python benchmarks/bench_speaker_adaptation.py [--limit N]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import SHARED, best_time  # noqa: E402
from dev_set import load_dev_set, wer_table  # noqa: E402

from asr_engine import _core  # noqa: E402
from asr_engine.adapt import AdaptationOptions, adapt_acoustic_model  # noqa: E402
from asr_engine.adapt.training import features_for  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402

ADAPT = SHARED / "data" / "adapt" / "kathleen"


def adapt_items(limit: int | None, supervised: bool):
    rows = list(csv.DictReader(open(ADAPT / "refs.tsv", encoding="utf-8"), delimiter="\t"))[:limit]
    return [(str(ADAPT / f"{r['id']}.wav"), r["transcript"] if supervised else None) for r in rows]


def decode_dev(rec: Recognizer, utts, adaptation) -> dict[str, str]:
    return {u.id: rec.recognize(str(u.path), adaptation=adaptation).transcript for u in utts}


def report(name: str, hyps: dict[str, str], utts) -> tuple[float, float]:
    same = [u for u in utts if u.source == "cathy"]
    other = [u for u in utts if u.source != "cathy"]
    w_same, _ = wer_table(hyps, same)
    w_other, per = wer_table(hyps, other)
    cells = "  ".join(f"{k} {e / max(1, n):.3f}" for k, (e, n) in per.items())
    print(f"{name:14s} cathy WER {w_same:.4f}   other speakers {w_other:.4f}   [{cells}]", flush=True)
    return w_same, w_other


def scoring_overhead(rec: Recognizer, adapted) -> float:
    feats, _ = features_for(rec, str(load_dev_set()[0].path))
    base = _core.SenoneScorer(rec.acoustic_model.native)
    ad = _core.SenoneScorer(adapted.native)
    tb = best_time(lambda: base.score(feats), 5, warmup=True)
    ta = best_time(lambda: ad.score(feats), 5, warmup=True)
    return ta / tb - 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="use only the first N adapt utterances")
    args = ap.parse_args()
    rec = Recognizer()
    utts = load_dev_set()
    options = AdaptationOptions()
    models = {}
    for name, supervised in (("unsupervised", False), ("supervised", True)):
        t = time.perf_counter()
        models[name] = adapt_acoustic_model(rec, adapt_items(args.limit, supervised), options)
        took = time.perf_counter() - t
        audio = models[name].info["audio_seconds"]
        print(f"train {name:12s} {took:7.1f} s for {audio:.0f} s of audio = {took / audio:.3f} x audio; "
              f"frames used {models[name].info['frames_used']:.0f}, classes {len(models[name].info['classes'])}",
              flush=True)
    base_same, base_other = report("base", decode_dev(rec, utts, None), utts)
    for name, model in models.items():
        same, other = report(name, decode_dev(rec, utts, model), utts)
        print(f"{'':14s} cathy {100 * (base_same - same) / base_same:+.1f} % relative WER reduction; "
              f"other speakers {100 * (base_other - other) / base_other:+.1f} %", flush=True)
    print(f"scoring time of an adapted model vs base: {100 * scoring_overhead(rec, models['supervised']):+.1f} %")


if __name__ == "__main__":
    main()
