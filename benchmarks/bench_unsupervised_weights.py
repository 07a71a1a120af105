"""How the frames of an unsupervised adaptation pass are weighted, on
kathleen -> dev cathy: one recognition pass of the adapt set
(../shared/data/adapt/kathleen, 360 utterances, 18 min) with the base
model, then MLLR + MAP (asr_engine.adapt, default options) from the same
recognized words under each weighting, and cathy's WER with each model:

* ``0/1``: frames of words with posterior >= 0.5 count 1, the rest 0 (the
  weighting before AdaptationOptions.confidence_weighting);
* ``posterior, all``: every word's frames count by its posterior;
* ``posterior, kept``: words below 0.5 count 0, the others by their
  posterior (confidence_weighting=True, the default).

``--two-pass`` also recognizes the adapt set again with the default
model and estimates from base once more from those words (an iterated
unsupervised adaptation), for each weighting.

    python benchmarks/bench_unsupervised_weights.py [--limit N] [--two-pass]

Last run (2026-12-02, load 10-18 on 2 cores): adapt-set WER of the pass
0.2541; cathy WER base 0.1961, 0/1 0.1814 (-7.5 %), posterior all 0.1838
(-6.3 %), posterior kept 0.1765 (-10.0 %). A second pass recognized with
the 0/1 model (adapt-set WER 0.2165) gave 0/1 0.1789 (-8.8 %) and posterior
all 0.1740 (-11.3 %): an iterated pass helps under both weightings, at
twice the training's recognition time (not in the library yet).
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import SHARED  # noqa: E402
from dev_set import load_dev_set, wer_table, word_errors  # noqa: E402

from asr_engine import _core  # noqa: E402
from asr_engine.adapt.model import AdaptedAcousticModel  # noqa: E402
from asr_engine.adapt.statistics import StatisticsCollector  # noqa: E402
from asr_engine.adapt.training import AdaptationOptions, estimate, features_for, word_weight  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402

ADAPT = SHARED / "data" / "adapt" / "kathleen"
WEIGHTINGS = {
    "0/1": AdaptationOptions(confidence_weighting=False),
    "posterior, all": AdaptationOptions(confidence_threshold=0.0),
    "posterior, kept": AdaptationOptions(),
}


def recognize_all(rec, rows, adaptation=None) -> dict[str, list[tuple[str, float]]]:
    return {r["id"]: [(w.word, w.confidence or 0.0) for w in
                      rec.recognize(str(ADAPT / f"{r['id']}.wav"), adaptation=adaptation).words] for r in rows}


def adapted(rec, rows, feats, hyps, options) -> AdaptedAcousticModel:
    base = rec.acoustic_model
    collector = StatisticsCollector(base, rec.dictionary, include_fillers=options.include_fillers)
    for r in rows:
        words = hyps[r["id"]]
        weights = [word_weight(c, options) for _, c in words]
        if any(weights):
            collector.add(feats[r["id"]], [w for w, _ in words], weights)
    model, transform = estimate(base, collector.native, _core.RegressionTree.phonetic(base.native), options)
    return AdaptedAcousticModel(model, base.path, transform, {"frames_used": collector.frames})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N adapt utterances")
    ap.add_argument("--two-pass", action="store_true", help="also an iterated (second) recognition pass")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(ADAPT / "refs.tsv", encoding="utf-8"), delimiter="\t"))[:args.limit]
    cathy = [u for u in load_dev_set() if u.source == "cathy"]
    rec = Recognizer()
    print(f"{len(rows)} adapt utterances, {len(cathy)} cathy utterances; load {os.getloadavg()[0]:.1f}", flush=True)

    def test(adaptation) -> float:
        return wer_table({u.id: rec.recognize(str(u.path), adaptation=adaptation).transcript for u in cathy},
                         cathy)[0]

    def pass_wer(hyps) -> float:
        counts = [word_errors(r["transcript"], " ".join(w for w, _ in hyps[r["id"]])) for r in rows]
        return sum(e for e, _ in counts) / max(1, sum(n for _, n in counts))

    base = test(None)
    print(f"base: cathy WER {base:.4f}", flush=True)
    feats = {r["id"]: features_for(rec, str(ADAPT / f"{r['id']}.wav"))[0] for r in rows}
    t = time.perf_counter()
    hyps = recognize_all(rec, rows)
    print(f"pass 1: {time.perf_counter() - t:.0f} s, adapt-set WER {pass_wer(hyps):.4f}", flush=True)
    first = None
    for name, options in WEIGHTINGS.items():
        model = adapted(rec, rows, feats, hyps, options)
        first = model if options == AdaptationOptions() else first
        w = test(model)
        print(f"{name:16s} frames {model.info['frames_used']:8.0f}  cathy WER {w:.4f} "
              f"({100 * (w - base) / base:+.1f} % relative)", flush=True)
    if args.two_pass:
        hyps = recognize_all(rec, rows, first)
        print(f"pass 2 (with the 'posterior, kept' model): adapt-set WER {pass_wer(hyps):.4f}", flush=True)
        for name, options in WEIGHTINGS.items():
            model = adapted(rec, rows, feats, hyps, options)
            w = test(model)
            print(f"two-pass {name:16s} frames {model.info['frames_used']:8.0f}  cathy WER {w:.4f} "
                  f"({100 * (w - base) / base:+.1f} % relative)", flush=True)
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
