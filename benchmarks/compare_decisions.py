"""Where PocketSphinx's words beat ours, utterance by utterance.

Every dev utterance is decoded once by our recognizer (as ``recognize``
does: same features, options, narrowband model for band-limited audio) and
once by PocketSphinx (its defaults, the same model files; hypotheses cached
in ``--ps-cache`` so that later runs skip it). For each utterance where the
two differ in word errors, printed:

* the reference, our final words, our lattice's best path, PocketSphinx's;
* ``oracle``: the fewest word errors of any path through our lattice (the
  lattice oracle; fillers are free), and ``ps-in-lattice``: the fewest
  edits from a lattice path to PocketSphinx's hypothesis (0: our lattice
  holds PocketSphinx's words, so only our decision missed them);
* under our model (``error_analysis.ModelScorer``: forced alignment with
  the rescoring's weights and filler penalties), the score of
  PocketSphinx's hypothesis minus our best path's: positive means our
  search lost a path our own scoring prefers (a search error), negative
  that our model prefers our words (a model or decision-rule difference).

Then a summary per source: utterances where PocketSphinx is better / we
are better, and of the first how many have PocketSphinx's words in our
lattice and on which side of our scoring they fall.

    python benchmarks/compare_decisions.py [--limit N] [--source arctic,fsdd] [--ps-cache FILE]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import normalize, word_errors  # noqa: E402
from error_analysis import ModelScorer, dev_subset, features, parse_overrides, pick  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402


def pocketsphinx_hypotheses(utts, cache: str) -> dict[str, str]:
    """PocketSphinx's default hypothesis per utterance id, from ``cache`` when it has them all."""
    known: dict[str, str] = {}
    if cache and os.path.exists(cache):
        with open(cache, encoding="utf-8") as f:
            known = json.load(f)
    todo = [u for u in utts if u.id not in known]
    if todo:
        import soundfile as sf
        from pocketsphinx import Decoder

        decoder = Decoder(loglevel="ERROR")
        for u in todo:
            samples, rate = sf.read(str(u.path), dtype="int16")
            if rate != 16000 or samples.ndim != 1:
                raise SystemExit(f"{u.path}: expected 16 kHz mono")
            decoder.start_utt()
            decoder.process_raw(np.ascontiguousarray(samples).tobytes(), full_utt=True)
            decoder.end_utt()
            hyp = decoder.hyp()
            known[u.id] = hyp.hypstr if hyp is not None else ""
        if cache:
            with open(cache, "w", encoding="utf-8") as f:
                json.dump(known, f, indent=0, sort_keys=True)
    return known


def lattice_edit_distance(lattice, target: list[str]) -> int:
    """Fewest word edits between ``target`` and any complete path of ``lattice``
    (fillers cost nothing): a dynamic programme over instances in start order,
    each holding the best cost of having matched every prefix of ``target``."""
    if lattice.empty:
        return len(target)
    inst = lattice.instances
    last = max(i[2] for i in inst)
    n = len(target)
    by_end: dict[int, list[int]] = {}
    order = sorted(range(len(inst)), key=lambda i: inst[i][1])
    start_row = np.arange(n + 1, dtype=np.int64)
    cost: dict[int, np.ndarray] = {}
    big = 1 << 30
    best = big
    for i in order:
        text, start, end, _ac, filler = inst[i]
        if start == 0:
            into = start_row
        else:
            preds = by_end.get(start - 1)
            if not preds:
                continue
            into = np.min(np.stack([cost[p] for p in preds]), axis=0)
        if filler:
            row = into.copy()
        else:
            word = normalize(text)
            word = word[0] if word else text
            row = into + 1  # the instance is an insertion
            match = np.array([0 if t == word else 1 for t in target], dtype=np.int64)
            if n:
                row[1:] = np.minimum(row[1:], into[:-1] + match)
            for j in range(1, n + 1):  # reference words skipped after it (deletions)
                row[j] = min(row[j], row[j - 1] + 1)
        cost[i] = row
        by_end.setdefault(end, []).append(i)
        if end == last:
            best = min(best, int(row[n]))
    return best


def main() -> int:
    p = argparse.ArgumentParser(description="our decisions against PocketSphinx's, per dev utterance")
    p.add_argument("--limit", type=int, default=0, help="about N utterances spread over the set (0 = all)")
    p.add_argument("--source", default="", help="only these sources (comma-separated tags)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="search option override")
    p.add_argument("--ps-cache", default="ps_hyps.json", help="JSON file of PocketSphinx hypotheses ('' = none)")
    p.add_argument("--all", action="store_true", help="print every utterance, not only those that differ")
    args = p.parse_args()
    utts = dev_subset(args.limit, args.source)
    ps = pocketsphinx_hypotheses(utts, args.ps_cache)
    wide = ae.Recognizer()
    opts = wide.search_options.with_overrides(**parse_overrides(args.set, wide))
    scorers: dict[int, ModelScorer] = {}
    summary: dict[str, dict[str, int]] = {}
    for u in utts:
        rec = pick(wide, u.path)
        scorer = scorers.setdefault(id(rec), ModelScorer(rec, opts))
        feats = features(rec, u.path)
        decoder = rec._decode(feats, opts)
        final = rec._result(decoder, u.duration, True, opts).transcript
        lattice = decoder.lattice()
        inst = lattice.instances
        ids, _ = lattice.best_path() if not lattice.empty else ([], 0.0)
        best = " ".join(inst[i][0] for i in ids if not inst[i][4])
        e_ours, n = word_errors(u.reference, final)
        e_ps, _ = word_errors(u.reference, ps[u.id])
        e_best, _ = word_errors(u.reference, best)
        s = summary.setdefault(u.source, {k: 0 for k in ("utts", "words", "ours", "ps", "ps_better", "we_better",
                                                          "ps_in_lattice", "ps_scores_better", "gain_ps")})
        s["utts"] += 1
        s["words"] += n
        s["ours"] += e_ours
        s["ps"] += e_ps
        if e_ours == e_ps and not args.all:
            continue
        oracle = lattice_edit_distance(lattice, normalize(u.reference))
        ps_words = normalize(ps[u.id])
        in_lattice = lattice_edit_distance(lattice, ps_words)
        diff = math.nan
        searchable = all(scorer.searchable(w) for w in ps[u.id].split()) and ps[u.id].split()
        if searchable and best:
            diff = scorer.score(feats, ps[u.id].split()) - scorer.score(feats, best.split())
        if e_ps < e_ours:
            s["ps_better"] += 1
            s["gain_ps"] += e_ours - e_ps
            s["ps_in_lattice"] += in_lattice == 0
            s["ps_scores_better"] += diff > 0
        elif e_ours < e_ps:
            s["we_better"] += 1
        tag = "PS better" if e_ps < e_ours else "we better" if e_ours < e_ps else "equal"
        print(f"{u.id} [{tag}] {u.duration:.1f}s errors ours {e_ours} best-path {e_best} PS {e_ps} of {n}; "
              f"oracle {oracle}; ps-in-lattice {in_lattice}; PS minus our best under our scoring {diff:+.1f}\n"
              f"  REF   {u.reference}\n  OURS  {final}\n  BEST  {best}\n  PS    {ps[u.id]}", flush=True)
    print(f"\n{'source':10s} {'utts':>5s} {'words':>6s} {'ours':>5s} {'PS':>5s} | {'PS better':>9s} "
          f"{'(errors)':>8s} {'in lattice':>10s} {'scores better':>13s} | {'we better':>9s}")
    for src, s in sorted(summary.items()):
        print(f"{src:10s} {s['utts']:5d} {s['words']:6d} {s['ours']:5d} {s['ps']:5d} | {s['ps_better']:9d} "
              f"{s['gain_ps']:8d} {s['ps_in_lattice']:10d} {s['ps_scores_better']:13d} | {s['we_better']:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
