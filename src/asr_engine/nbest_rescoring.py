"""Re-scoring the lattice's n-best word sequences by forced alignment.

The word lattice scores a path with the acoustic scores its instances got
in the first pass: each word's boundary phones were scored in the cross-word
context the search had when the word was entered or left, and its start is
the one its best predecessor gave it. A path that joins instances from
different first-pass histories is scored with contexts and boundaries that
are not its own, and short function words ("a", "as", "he") lose most by
this: on the dev set, PocketSphinx's hypothesis scored better than our
lattice's best path under our own model (forced alignment, the rescoring's
weights) on 16 of the 27 utterances where it had fewer errors, though our
lattice held its words every time (``benchmarks/compare_decisions.py``).

So the first ``n`` distinct word sequences of the lattice (its n-best list,
an A* search over the lattice) are aligned to the features one by one, each
with its own cross-word triphones, all pronunciations and optional silences
and noise words at the search's penalties, and scored as the lattice
rescoring scores a path:

    score(W) = alignment path score (acoustic, transitions, fillers)
               + language_weight * ln P(W </s>) + |W| ln(word_insertion_penalty)

with the exact n-gram history of every word (the lattice keeps one history
per instance) and, on lattices short enough for a word said alone, the
isolated-word mixture of :mod:`asr_engine.isolated_words` (its
``prior_adjustment``, at the search's priors). Paths more than ``MARGIN``
nats behind the best in the lattice's own score are not aligned (on the
dev set none of them won). When the best of them is not the lattice's best path it
becomes the final hypothesis, and the n-best alternatives are these
candidates in their re-scored order (at most ``n`` of them); otherwise the
caller keeps its own decision (consensus over the lattice) and the
lattice's n-best list. The alignments are beam-pruned (``BEAM`` nats: on
every fifth dev utterance beams 50 and 100 picked the same candidates, and
100 took 30 % longer). The alignments of one utterance share a native
``GaussianScoreCache``: each frame's top-N Gaussians of a codebook, and its
senone mixtures where the density floor agrees, are computed once for all
candidates, which leaves every score bit-identical.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import _core
from .errors import AudioError, NotFoundError
from .isolated_words import MAX_FRAMES, prior_adjustment

LN10 = math.log(10.0)
#: alignment beam (nats below the frame's best state)
BEAM = 50.0
#: n-best paths this far (nats) behind the lattice's best path are not aligned
MARGIN = 60.0


def language_score(lm: Any, words: Sequence[str], language_weight: float, log_wip: float) -> float:
    """``language_weight * ln P(words </s>) + len(words) * log_wip`` under ``lm`` from the sentence start."""
    state = lm.begin_state()
    log10 = 0.0
    for w in words:
        p, state = lm.score_word(state, w)
        log10 += p
    return language_weight * LN10 * (log10 + lm.final(state)) + len(words) * log_wip


class NbestRescorer:
    """Scores paths of one lattice by forced alignment to the utterance's features.

    ``aligner`` is a native ``ForcedAligner`` built with the search's silence
    and noise penalties; a word sequence it cannot align (a word the
    dictionary lacks, audio too short for it) scores -inf. Scores are kept
    per word sequence, so the decision and the n-best alternatives align
    each sequence once, and the alignments share one Gaussian score cache
    (made on the first alignment, dropped with the rescorer)."""

    def __init__(self, lattice: Any, features: np.ndarray, aligner: Any, dictionary: Any, lm: Any, frame_dim: int,
                 language_weight: float, word_insertion_penalty: float, isolated_word_prior: float = 0.0,
                 one_word_sentence_prior: float = 0.0) -> None:
        self.lattice = lattice
        self._instances = lattice.instances
        self._feats = np.ascontiguousarray(features, dtype=np.float32)
        self._aligner, self._dictionary, self._lm, self._frame_dim = aligner, dictionary, lm, frame_dim
        self._lw, self._log_wip = language_weight, math.log(word_insertion_penalty)
        self._priors = (isolated_word_prior, one_word_sentence_prior)
        self._mixture = (isolated_word_prior + one_word_sentence_prior > 0 and not lattice.empty
                         and max(i[2] for i in self._instances) < MAX_FRAMES)
        self._scores: dict[tuple[str, ...], float] = {}
        self._cache: Any = None

    def score(self, ids: Sequence[int]) -> float:
        """The path's alignment score plus its LM score (see the module docstring)."""
        words = tuple(self._instances[i][0] for i in ids if not self._instances[i][4])
        known = self._scores.get(words)
        if known is not None:
            return known
        score = -math.inf
        if words:
            try:
                if self._cache is None:
                    self._cache = _core.GaussianScoreCache(self._feats.reshape(-1, self._frame_dim))
                raw = self._aligner.align(self._dictionary, list(words), self._feats, self._frame_dim,
                                          cache=self._cache)
                score = float(raw["path_score"]) + language_score(self._lm, words, self._lw, self._log_wip)
                if self._mixture:
                    score += self._lw * prior_adjustment(self._lm, words, *self._priors)
            except (AudioError, NotFoundError):
                pass
        self._scores[words] = score
        return score

    def candidates(self, n: int) -> list[tuple[list[int], float, float]]:
        """The lattice's first ``n`` distinct word sequences within ``MARGIN``
        of its best path that align, as (instance ids, re-scored score,
        lattice score), best re-scored first."""
        if n < 1 or self.lattice.empty:
            return []
        paths = self.lattice.nbest(n)
        scored = [(list(ids), self.score(ids), float(lattice_score)) for ids, lattice_score in paths
                  if lattice_score >= paths[0][1] - MARGIN]
        return sorted((c for c in scored if math.isfinite(c[1])), key=lambda c: -c[1])


__all__ = ["NbestRescorer", "language_score"]
