"""Tune search defaults on the dev set: decode every utterance once per
first-pass setting, then rescore its lattice with several language weights.

    python benchmarks/tune_search.py --grid "language_weight=6.5,8" --bestpath-lw 8,9.5,11
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time


sys.path.insert(0, __import__("os").path.dirname(__file__))
from dev_set import load_dev_set, wer_table  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine import _core  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--grid", action="append", default=[], help="name=v1,v2 (search option values)")
    p.add_argument("--bestpath-lw", default="9.5")
    p.add_argument("--limit", type=int, default=0)
    args = p.parse_args()
    utts = load_dev_set()
    if args.limit:
        utts = utts[:: max(1, len(utts) // args.limit)]
    rec = ae.Recognizer()
    feats = {}
    for u in utts:
        audio = ae.load_audio(u.path)
        feats[u.id] = ae.compute_features(audio, rec.frontend_options, rec.feature_options)
    total_audio = sum(u.duration for u in utts)
    names, values = [], []
    for g in args.grid:
        name, vals = g.split("=")
        names.append(name)
        values.append([type(getattr(rec.search_options, name))(eval(v)) if not isinstance(getattr(rec.search_options, name), bool) else v == "True" for v in vals.split(",")])
    lws = [float(x) for x in args.bestpath_lw.split(",")]
    for combo in itertools.product(*values) if values else [()]:
        overrides = dict(zip(names, combo))
        opts = rec.search_options.with_overrides(**overrides)
        native = opts.to_native()
        hyps_pass1, hyps = {}, {lw: {} for lw in lws}
        t0 = time.perf_counter()
        for u in utts:
            d = _core.Decoder(rec._native, native)
            d.start()
            d.process(feats[u.id])
            segs, _ = d.best_path(True)
            hyps_pass1[u.id] = " ".join(s[0] for s in segs if not s[5])
        t1 = time.perf_counter()
        for u in utts:
            d = _core.Decoder(rec._native, native)
            d.start()
            d.process(feats[u.id])
            for lw in lws:
                lo = _core.LatticeOptions()
                lo.language_weight = lw
                lo.word_insertion_penalty = opts.word_insertion_penalty
                lat = d.lattice(lo)
                inst = lat.instances
                ids, _ = lat.best_path()
                hyps[lw][u.id] = " ".join(inst[i][0] for i in ids if not inst[i][4])
        wer1, _ = wer_table(hyps_pass1, utts)
        line = f"{overrides} pass1 WER {100 * wer1:.2f}% RTF {(t1 - t0) / total_audio:.3f}"
        for lw in lws:
            w, per = wer_table(hyps[lw], utts)
            line += f" | bestpath lw {lw}: {100 * w:.2f}%"
        print(line, flush=True)
        if len(lws) == 1:
            print("   ", " ".join(f"{k}:{100 * e / n:.0f}" for k, (e, n) in per.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
