"""Confusion networks on the dev set: do the word alternatives recover the
1-best's errors, and does consensus decoding beat the lattice's best path?

    python benchmarks/bench_confusion_network.py [--limit N] [--scales 0.05,0.08,0.2]

Each utterance is decoded once; its lattice gives the best path, the
confusion network, its consensus path and its bins' alternatives.

* **WER**: dev WER of the lattice best path (``consensus=False``) and of the
  confusion network's best path (``consensus=True``), scored with
  ``dev_set.wer_table``; ``--scales`` adds consensus at other
  ``consensus_acoustic_scale`` values (the default is 0.12).
* **Alternatives**: reference words are aligned monotonically, one to one,
  to the bins (a longest common subsequence where a reference word matches
  a bin when it is among the bin's alternatives at the threshold); the share
  of reference words matched is set against the same alignment to the
  1-best words (its share of correct words) and against 1 - WER.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dev_set import decoded, every_kth, load_dev_set, normalize, wer_table  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.spotting import check_spotting  # noqa: E402

THRESHOLDS = (0.0, 0.01, 0.05, 0.1, 0.2, 0.5)


def matched(reference: list[str], slots: list[set[str]]) -> int:
    """Reference words matched monotonically, one to one, to slots holding them."""
    prev = [0] * (len(slots) + 1)
    for r in reference:
        cur = [0] * (len(slots) + 1)
        for j, slot in enumerate(slots, 1):
            cur[j] = max(prev[j], cur[j - 1], prev[j - 1] + (r in slot))
        prev = cur
    return prev[-1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=0, help="every k-th utterance, about this many")
    p.add_argument("--scales", default="", help="other consensus_acoustic_scale values, comma-separated")
    args = p.parse_args()
    scales = [float(x) for x in args.scales.split(",") if x]
    others: dict[float, dict[str, str]] = {sc: {} for sc in scales}
    utts = every_kth(load_dev_set(), args.limit)
    rec = ae.Recognizer()
    best_opts = rec.search_options.with_overrides(consensus=False)
    cons_opts = rec.search_options.with_overrides(consensus=True)
    spotting = check_spotting(word_alternatives_threshold=0.0)
    best, cons = {}, {}
    found = {t: 0 for t in THRESHOLDS}
    one_best = ref_words = 0
    t_lattice = t_network = 0.0
    for u, duration, decoder in decoded(rec, best_opts, utts):
        t0 = time.perf_counter()
        r_best = rec._result(decoder, duration, True, best_opts)
        t1 = time.perf_counter()
        r_cons = rec._result(decoder, duration, True, cons_opts, spotting=spotting)
        t2 = time.perf_counter()
        t_lattice += t1 - t0
        t_network += t2 - t1
        best[u.id], cons[u.id] = r_best.transcript, r_cons.transcript
        for sc in scales:
            others[sc][u.id] = rec._result(decoder, duration, True,
                                           cons_opts.with_overrides(consensus_acoustic_scale=sc)).transcript
        reference = normalize(u.reference)
        ref_words += len(reference)
        one_best += matched(reference, [{w} for w in normalize(r_best.transcript)])
        for t in THRESHOLDS:
            slots = [{w for w, c in b.alternatives if c >= t} for b in r_cons.word_alternatives]
            found[t] += matched(reference, slots)
    wer_best, per_best = wer_table(best, utts)
    wer_cons, per_cons = wer_table(cons, utts)
    print(f"dev set: {len(utts)} utterances, {ref_words} reference words; load {os.getloadavg()[0]:.1f}")
    print(f"WER lattice best path {100 * wer_best:.2f} %, consensus {100 * wer_cons:.2f} % "
          f"(consensus_acoustic_scale {cons_opts.consensus_acoustic_scale})")
    for sc in scales:
        print(f"    consensus at scale {sc}: {100 * wer_table(others[sc], utts)[0]:.2f} %")
    for src in per_best:
        (eb, n), (ec, _) = per_best[src], per_cons[src]
        print(f"    {src:10s} {n:5d} words: best path {100 * eb / n:6.2f} %  consensus {100 * ec / n:6.2f} %")
    print(f"1-best: {100 * one_best / ref_words:.2f} % of reference words correct (1 - WER {100 * (1 - wer_best):.2f} %)")
    for t in THRESHOLDS:
        print(f"word alternatives >= {t:.2f}: {100 * found[t] / ref_words:.2f} % of reference words in their bin")
    print(f"time: best path + confidences {1000 * t_lattice / len(utts):.2f} ms/utt, confusion network + "
          f"consensus + alternatives {1000 * t_network / len(utts):.2f} ms/utt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
