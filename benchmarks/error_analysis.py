"""Search errors against model errors on the development set.

For every dev utterance the recognizer decodes as ``Recognizer.recognize``
does (same features, same search options, the narrowband model for
band-limited audio). Then the reference transcript
and the search's best hypothesis (the lattice's best path, the path the
search found best under the model) are both scored under the model the
same way:

    score(words) = max over segmentations of
                   acoustic log-likelihood (HMM transitions included)
                   + language_weight * ln P(words, </s>)
                   + n_words * ln(word_insertion_penalty)
                   + per silence ln(silence_probability)
                   + per noise word ln(filler_probability)

The maximum over segmentations, pronunciations and optional silences or
noise words between the words is a forced alignment (no pruning) with the
search's own filler penalties; the language part does not depend on the
segmentation (fillers leave the LM state alone, as in the search and the
lattice), so it is added to the alignment's path score. The weights are
the lattice rescoring's (``bestpath_language_weight``), the objective that
picks the final path.

Each utterance with word errors (in the final transcript, consensus or
not, as ``recognize`` gives it) is then:

* ``oov``: a reference word outside the search vocabulary (a model error
  no search can fix);
* ``search``: the reference scores better than the hypothesis: the beams
  or the lexicon tree lost a better path;
* ``model``: the hypothesis scores at least as well: the model prefers it.

Printed per source: utterances, words, word errors, and how many
utterances / word errors fall in each class; then the same by utterance
length. ``--set name=value`` overrides search options (the tool for every
later change); ``--show`` lists each erroneous utterance with its scores.

    python benchmarks/error_analysis.py [--limit N] [--source osr,fsdd] [--set beam=1e-60] [--show]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import every_kth, load_dev_set, normalize, word_errors  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine import _core  # noqa: E402
from asr_engine.align import normalize_transcript  # noqa: E402
from asr_engine.audio.bandwidth import is_narrowband  # noqa: E402
from asr_engine.frontend import FeatureStream  # noqa: E402

LN10 = math.log(10.0)
# A reference must beat the hypothesis by more than float rounding of two
# sums of thousands of terms to count as a search error.
TIE = 1e-2


def parse_overrides(items: list[str], rec) -> dict:
    out = {}
    for item in items:
        name, _, text = item.partition("=")
        current = getattr(rec.search_options, name)
        if isinstance(current, bool):
            out[name] = text.lower() in ("1", "true", "yes")
        else:
            out[name] = type(current)(float(text)) if isinstance(current, int) else float(text)
    return out


class ModelScorer:
    """Scores word sequences under the recognizer's model, as the lattice rescoring does."""

    def __init__(self, rec, options) -> None:
        self.rec = rec
        self.lm = rec.language_model
        self.lw = options.bestpath_language_weight
        self.log_wip = math.log(options.word_insertion_penalty)
        self.aligner = _core.ForcedAligner(rec.acoustic_model.native, beam=0.0, allow_silence=True,
                                           allow_noise=True, score_all_senones=True,
                                           silence_penalty=math.log(options.silence_probability),
                                           noise_penalty=math.log(options.filler_probability))
        self.dim = rec.acoustic_model.frame_dim

    def searchable(self, word: str) -> bool:
        return word in self.lm and word in self.rec.dictionary

    def language(self, words: list[str]) -> float:
        state = self.lm.begin_state()
        total = 0.0
        for w in words:
            log10, state = self.lm.score_word(state, w)
            total += LN10 * log10 * self.lw + self.log_wip
        return total + LN10 * self.lm.final(state) * self.lw

    def score(self, feats: np.ndarray, words: list[str]) -> float:
        raw = self.aligner.align(self.rec.dictionary.native, words, feats, self.dim)
        return float(raw["path_score"]) + self.language(words)


def dev_subset(limit: int, sources: str) -> list:
    """About ``limit`` dev utterances (all with 0), only of the comma-separated ``sources`` when given."""
    utts = every_kth(load_dev_set(), limit)
    return [u for u in utts if u.source in sources.split(",")] if sources else utts


def pick(wide, path):
    """The recognizer recognize() uses for this file: the narrowband one for band-limited audio."""
    audio = ae.load_audio(path)
    return wide.narrowband() if is_narrowband(audio.samples, audio.sample_rate) else wide


def features(rec, path) -> np.ndarray:
    """The features recognize() computes for this file."""
    audio = ae.load_audio(path, sample_rate=rec.sample_rate)
    stream = FeatureStream(rec.frontend_options, rec.feature_options)
    return np.ascontiguousarray(np.vstack([stream.accept(audio.samples), stream.finish()]), dtype=np.float32)


def length_bucket(n_words: int) -> str:
    return "1 word" if n_words <= 1 else "2-5 words" if n_words <= 5 else "6-12 words" if n_words <= 12 else "13+ words"


def table(title: str, rows: dict, keys: list[str]) -> None:
    print(f"\n{title:11s} {'utts':>5s} {'words':>6s} {'errors':>6s} {'WER':>6s} | "
          f"{'search':>13s} {'model':>13s} {'oov':>13s}   (utterances / word errors)")
    tot = {k: 0 for k in ("utts", "words", "errors", "search_u", "search_e", "model_u", "model_e", "oov_u", "oov_e")}
    for key in keys + ["pooled"]:
        r = tot if key == "pooled" else rows[key]
        if key != "pooled":
            for k in tot:
                tot[k] += r[k]
        wer = 100.0 * r["errors"] / max(1, r["words"])
        print(f"{key:11s} {r['utts']:5d} {r['words']:6d} {r['errors']:6d} {wer:5.1f}% | "
              f"{r['search_u']:5d} / {r['search_e']:5d} {r['model_u']:5d} / {r['model_e']:5d} "
              f"{r['oov_u']:5d} / {r['oov_e']:5d}")


def main() -> int:
    p = argparse.ArgumentParser(description="search errors vs model errors per dev source")
    p.add_argument("--limit", type=int, default=0, help="about N utterances spread over the set (0 = all)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="search option override")
    p.add_argument("--source", default="", help="only these sources (comma-separated tags)")
    p.add_argument("--show", action="store_true", help="print every utterance with errors and its scores")
    args = p.parse_args()
    utts = dev_subset(args.limit, args.source)
    wide = ae.Recognizer()
    opts = wide.search_options.with_overrides(**parse_overrides(args.set, wide))
    scorers = {}
    print(f"{len(utts)} utterances; options {opts}")
    by_source: dict = {}
    by_length: dict = {}
    lattice_gap = []  # aligned hypothesis score minus the lattice's own score of it
    t_decode = t_score = 0.0
    for u in utts:
        rec = pick(wide, u.path)
        scorer = scorers.setdefault(id(rec), ModelScorer(rec, opts))
        feats = features(rec, u.path)
        t = time.perf_counter()
        decoder = rec._decode(feats, opts)
        final = rec._result(decoder, u.duration, True, opts, features=feats).transcript
        lattice = decoder.lattice()
        inst = lattice.instances
        ids, lat_score = lattice.best_path() if not lattice.empty else ([], -math.inf)
        hyp = [inst[i][0] for i in ids if not inst[i][4]]
        t_decode += time.perf_counter() - t
        errors, n = word_errors(u.reference, final)
        ref_words, missing = normalize_transcript(normalize(u.reference), rec.dictionary)
        missing += [w for w in ref_words if not scorer.searchable(w)]
        kind = "correct"
        ref_score = hyp_score = math.nan
        if errors:
            if missing:
                kind = "oov"
            else:
                t = time.perf_counter()
                ref_score = scorer.score(feats, ref_words)
                hyp_score = scorer.score(feats, hyp) if hyp else -math.inf
                t_score += time.perf_counter() - t
                if math.isfinite(lat_score) and hyp:
                    lattice_gap.append(hyp_score - lat_score)
                kind = "search" if ref_score > hyp_score + TIE else "model"
        for rows, key in ((by_source, u.source), (by_length, length_bucket(n))):
            r = rows.setdefault(key, {k: 0 for k in ("utts", "words", "errors", "search_u", "search_e", "model_u",
                                                      "model_e", "oov_u", "oov_e")})
            r["utts"] += 1
            r["words"] += n
            r["errors"] += errors
            if kind != "correct":
                r[kind + "_u"] += 1
                r[kind + "_e"] += errors
        if args.show and kind != "correct":
            print(f"{u.id} [{kind}] errors {errors}/{n} ref {ref_score:.1f} hyp {hyp_score:.1f} "
                  f"(diff {ref_score - hyp_score:+.1f})\n  REF   {' '.join(ref_words)}"
                  f"{'  missing: ' + ' '.join(missing) if missing else ''}\n  BEST  {' '.join(hyp)}\n  FINAL {final}",
                  flush=True)
    table("source", by_source, sorted(by_source))
    table("length", by_length, [k for k in ("1 word", "2-5 words", "6-12 words", "13+ words") if k in by_length])
    if lattice_gap:
        gap = np.array(lattice_gap)
        print(f"\ncheck: aligned minus lattice score of the best path: median {np.median(gap):+.2f}, "
              f"min {gap.min():+.2f}, max {gap.max():+.2f} nats over {len(gap)} utterances "
              f"(>= 0 up to the lattice's right-context approximation)")
    print(f"decode {t_decode:.1f} s, scoring {t_score:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
