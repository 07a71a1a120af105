"""Tune the second-pass (lattice and consensus) settings on the dev set.

Every utterance is decoded once with the first-pass settings (defaults,
or ``--set``), by the recognizer ``Recognizer.recognize`` would use (the
narrowband one for 8 kHz recordings); then the final transcript is taken
for every combination of the ``--grid`` settings, which only change how
the lattice is rescored and how its confusion network is built
(``bestpath_language_weight``, ``word_insertion_penalty``,
``silence_probability``, ``filler_probability``, ``consensus``,
``consensus_acoustic_scale``, ``isolated_word_prior``,
``one_word_sentence_prior``, ``nbest_rescoring``), so the grid costs no
decoding (``--axes``: one setting at a time instead of their product). Printed per
combination: pooled dev WER and the errors per source.

    python benchmarks/tune_rescoring.py --grid bestpath_language_weight=8,9.5,11 \\
        --grid word_insertion_penalty=0.01,0.05 [--set beam=1e-60] [--limit N]
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
from dev_set import routed_features, every_kth, load_dev_set, wer_table  # noqa: E402


import asr_engine as ae  # noqa: E402

SECOND_PASS = ("bestpath_language_weight", "word_insertion_penalty", "silence_probability", "filler_probability",
               "consensus", "consensus_acoustic_scale", "acoustic_scale", "isolated_word_prior",
               "one_word_sentence_prior", "nbest_rescoring")


def value(text: str, current):
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes")
    return int(float(text)) if isinstance(current, int) else float(text)


def transcript(rec, decoder, duration: float, opts, feats) -> str:
    """The final words as recognize() gives them, at these second-pass settings."""
    if opts.consensus or opts.nbest_rescoring > 1:
        return rec._result(decoder, duration, True, opts, features=feats).transcript
    lattice = decoder.lattice(rec._lattice_options(opts, opts.acoustic_scale))
    if lattice.empty:
        return ""
    inst = lattice.instances
    ids, _ = lattice.best_path()
    return " ".join(inst[i][0] for i in ids if not inst[i][4])


def main() -> int:
    p = argparse.ArgumentParser(description="second-pass settings on the dev set, one decode per utterance")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2", help="second-pass option values")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="first-pass option override")
    p.add_argument("--axes", action="store_true",
                   help="vary one --grid setting at a time from the first pass's values (not their product)")
    p.add_argument("--limit", type=int, default=0, help="about N utterances spread over the set (0 = all)")
    args = p.parse_args()
    utts = every_kth(load_dev_set(), args.limit)
    wide = ae.Recognizer()
    base = wide.search_options
    first = base.with_overrides(**{k: value(v, getattr(base, k))
                                   for k, v in (s.split("=", 1) for s in args.set)})
    names, grids = [], []
    for g in args.grid:
        name, vals = g.split("=", 1)
        if name not in SECOND_PASS:
            raise SystemExit(f"{name} is not a second-pass setting ({', '.join(SECOND_PASS)})")
        names.append(name)
        grids.append([value(v, getattr(base, name)) for v in vals.split(",")])
    decoded = []
    t0 = time.perf_counter()
    audio_s = 0.0
    for u in utts:
        rec, feats, duration = routed_features(wide, u)
        audio_s += duration
        decoded.append((u, rec, rec._decode(feats, first), duration, feats))
    print(f"{len(utts)} utterances decoded in {time.perf_counter() - t0:.1f} s "
          f"(RTF {(time.perf_counter() - t0) / audio_s:.3f}); first pass {first}", flush=True)
    if args.axes:
        combos = [{}] + [{n: v} for n, vals in zip(names, grids) for v in vals]
    else:
        combos = [dict(zip(names, combo)) for combo in (itertools.product(*grids) if grids else [()])]
    for combo in combos:
        opts = first.with_overrides(**combo)
        t1 = time.perf_counter()
        hyps = {u.id: transcript(rec, d, dur, opts, feats) for u, rec, d, dur, feats in decoded}
        rtf = (time.perf_counter() - t1) / audio_s
        wer, per = wer_table(hyps, utts)
        print(f"{combo} WER {100 * wer:.2f}% (second-pass RTF {rtf:.3f})  "
              + " ".join(f"{k}:{e}" for k, (e, _n) in per.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
