"""The flat-lexicon second pass (``SearchOptions.fwdflat``) on the dev set,
with and without, side by side in one run.

Every utterance is decoded once by the first pass (by the recognizer
``recognize()`` would use: the narrowband one for 8 kHz recordings) and its
final transcript taken as ``recognize()`` gives it; then, for each
``--grid`` setting of the second pass, the second pass runs over the same
first pass and the final transcript is taken again. Printed: pooled WER and
errors per source for each, the utterances whose transcript changed, and
the time of each part (first pass, results, second pass) as a ratio to
the time ``recognize()`` takes without the second pass (first pass plus
results), so the load cancels out.

    python benchmarks/bench_fwdflat.py [--grid fwdflat_window=10,25] [--set fwdflat_beam=1e-64] [--limit N]
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import routed_features, every_kth, load_dev_set, wer_table, word_errors  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402


def value(text: str, current):
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes")
    return int(float(text)) if isinstance(current, int) else float(text)


def main() -> int:
    p = argparse.ArgumentParser(description="the fwdflat second pass on the dev set, with and without")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2", help="second-pass option values")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="option override (both runs)")
    p.add_argument("--limit", type=int, default=0, help="about N utterances spread over the set (0 = all)")
    p.add_argument("--show", action="store_true", help="print every changed utterance")
    args = p.parse_args()
    utts = every_kth(load_dev_set(), args.limit)
    wide = ae.Recognizer()
    base = wide.search_options.with_overrides(**{k: value(v, getattr(wide.search_options, k))
                                                 for k, v in (s.split("=", 1) for s in args.set)})
    first = base.with_overrides(fwdflat=True)  # the decoder keeps the frames; results before the pass
    without = base.with_overrides(fwdflat=False)
    names, grids = [], []
    for g in args.grid:
        name, vals = g.split("=", 1)
        names.append(name)
        grids.append([value(v, getattr(base, name)) for v in vals.split(",")])
    combos = [dict(zip(names, c)) for c in (itertools.product(*grids) if grids else [()])]
    hyps: list[dict[str, str]] = [{} for _ in range(len(combos) + 1)]
    times = np.zeros(2 + 2 * len(combos))  # first pass, results, then (second pass, results) per combo
    flat_words = np.zeros(len(combos))
    audio_s = 0.0
    for u in utts:
        rec, feats, duration = routed_features(wide, u)
        audio_s += duration
        # One first pass that keeps the frames (fwdflat on): its results are
        # those without the second pass until second_pass runs.
        t0 = time.perf_counter()
        native = ae._core.Decoder(rec._native, first.to_native())
        native.start()
        native.process(feats)
        t1 = time.perf_counter()
        hyps[0][u.id] = rec._result(native, duration, True, without).transcript
        t2 = time.perf_counter()
        times[0] += t1 - t0
        times[1] += t2 - t1
        for k, combo in enumerate(combos):
            opts = first.with_overrides(**combo)
            t3 = time.perf_counter()
            native.second_pass(opts.to_native())
            t4 = time.perf_counter()
            hyps[k + 1][u.id] = rec._result(native, duration, True, opts).transcript
            t5 = time.perf_counter()
            times[2 + 2 * k] += t4 - t3
            times[3 + 2 * k] += t5 - t4
            flat_words[k] += native.flat_words
    recognize_s = times[0] + times[1]
    print(f"{len(utts)} utterances, {audio_s:.0f} s of audio; recognize() without the second pass: "
          f"RTF {recognize_s / audio_s:.3f} (first pass {times[0] / recognize_s:.2f}, results "
          f"{times[1] / recognize_s:.2f}); load {os.getloadavg()[0]:.1f}", flush=True)
    wer, per = wer_table(hyps[0], utts)
    print(f"without: WER {100 * wer:.2f}% ({sum(e for e, _ in per.values())} errors) "
          + " ".join(f"{s}:{e}" for s, (e, _n) in per.items()))
    for k, combo in enumerate(combos):
        wer, per = wer_table(hyps[k + 1], utts)
        extra = (times[2 + 2 * k] + times[3 + 2 * k] - times[1]) / recognize_s
        print(f"fwdflat {combo}: WER {100 * wer:.2f}% ({sum(e for e, _ in per.values())} errors) "
              + " ".join(f"{s}:{e}" for s, (e, _n) in per.items())
              + f"  time +{100 * extra:.1f}% of recognize() (second pass {times[2 + 2 * k] / recognize_s:.2f});"
              f" {flat_words[k] / len(utts):.0f} words/utterance", flush=True)
        changed = [u for u in utts if hyps[k + 1][u.id] != hyps[0][u.id]]
        better = sum(word_errors(u.reference, hyps[k + 1][u.id])[0] < word_errors(u.reference, hyps[0][u.id])[0]
                     for u in changed)
        worse = sum(word_errors(u.reference, hyps[k + 1][u.id])[0] > word_errors(u.reference, hyps[0][u.id])[0]
                    for u in changed)
        print(f"  {len(changed)} transcripts changed: {better} better, {worse} worse; "
              f"ids: {' '.join(u.id for u in changed)}")
        if args.show:
            for u in changed:
                print(f"    {u.id}\n      ref  {u.reference}\n      1st  {hyps[0][u.id]}\n"
                      f"      flat {hyps[k + 1][u.id]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
