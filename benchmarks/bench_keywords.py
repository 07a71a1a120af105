"""Keyword spotting on the dev set: precision and recall against
``keywords_threshold``.

    python benchmarks/bench_keywords.py [--limit N] [--seed S]

Keywords per utterance: every distinct word of its reference plus one of its
word pairs (a two-word keyword), and as many absent words drawn from the
vocabulary of the other references (words the language model knows that
this reference does not say: common words, hard negatives). A present
keyword's matches count as hits up to its number of occurrences in the
reference, the rest as false alarms; every match of an absent keyword is a
false alarm; occurrences without a match are misses. Each utterance is
decoded once and spotted once at threshold 0; the curve filters the matches.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dev_set import decoded, every_kth, load_dev_set, normalize  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.spotting import check_spotting  # noqa: E402

THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def occurrences(words: list[str], phrase: list[str]) -> int:
    n = len(phrase)
    return sum(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=0, help="every k-th utterance, about this many")
    p.add_argument("--seed", type=int, default=13)
    args = p.parse_args()
    rng = random.Random(args.seed)
    utts = every_kth(load_dev_set(), args.limit)
    rec = ae.Recognizer()
    opts = rec.search_options
    pool = sorted({w for u in load_dev_set() for w in normalize(u.reference) if w in rec.language_model})
    tp = {t: 0 for t in THRESHOLDS}
    fp = {t: 0 for t in THRESHOLDS}
    fp_pair = {t: 0 for t in THRESHOLDS}
    tp_pair = {t: 0 for t in THRESHOLDS}
    occurring = pairs = present_kw = absent_kw = 0
    t_plain = t_spot = 0.0
    for u, duration, decoder in decoded(rec, opts, utts):
        reference = normalize(u.reference)
        present = list(dict.fromkeys(reference))
        if len(reference) >= 2:
            i = rng.randrange(len(reference) - 1)
            present.append(" ".join(reference[i:i + 2]))
        absent = rng.sample([w for w in pool if w not in set(reference)], len(present))
        present_kw += len(present)
        absent_kw += len(absent)
        counts = {kw: occurrences(reference, kw.split()) for kw in present}
        occurring += sum(counts.values())
        pairs += sum(c for kw, c in counts.items() if " " in kw)
        t0 = time.perf_counter()
        rec._result(decoder, duration, True, opts)
        t1 = time.perf_counter()
        result = rec._result(decoder, duration, True, opts,
                             spotting=check_spotting(present + absent, 0.0))
        t2 = time.perf_counter()
        t_plain += t1 - t0
        t_spot += t2 - t1
        for t in THRESHOLDS:
            for kw in present + absent:
                hits = sum(m.confidence >= t for m in result.keywords.get(kw, []))
                good = min(hits, counts.get(kw, 0))
                tp[t] += good
                fp[t] += hits - good
                if " " in kw:
                    tp_pair[t] += good
                    fp_pair[t] += hits - good
    print(f"dev set: {len(utts)} utterances; {present_kw} present keywords ({occurring} occurrences, "
          f"{pairs} of two-word keywords), {absent_kw} absent; load {os.getloadavg()[0]:.1f}")
    print("threshold  precision  recall   | two-word keywords: precision  recall")
    for t in THRESHOLDS:
        prec = tp[t] / max(1, tp[t] + fp[t])
        rec_ = tp[t] / max(1, occurring)
        pprec = tp_pair[t] / max(1, tp_pair[t] + fp_pair[t])
        prec_ = tp_pair[t] / max(1, pairs)
        print(f"  {t:4.2f}     {prec:7.3f}   {rec_:7.3f}  |                    {pprec:7.3f}  {prec_:7.3f}")
    print(f"time per utterance: lattice best path {1000 * t_plain / len(utts):.2f} ms, with "
          f"{(present_kw + absent_kw) / len(utts):.1f} keywords spotted {1000 * t_spot / len(utts):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
