"""Cepstral mean normalisation for phrase-by-phrase decoding.

Batch CMN subtracts an utterance's own mean, which a stream cannot know
before the utterance ends; the front end's live CMN subtracts a running mean
that moves only every few hundred frames and starts from ``cmninit``, which
sets 3 of 13 coefficients: decoding dev utterances alone with it doubled the
WER (27 % against 13.8 % on 20 IEEE sentences). Here each decoding unit gets,
at frame ``t``, the mean of its own frames up to ``t +`` :data:`LOOK_AHEAD`
(frames the speech detector's delay makes available anyway, so the result
does not depend on chunking) blended with a prior worth :data:`PRIOR_FRAMES`
frames. The prior is the model's ``cmninit`` at first, then the running mean
of the previous units' frames (a :data:`PRIOR_WINDOW`-frame memory), so
the channel learnt from earlier phrases carries over. On 30 dev utterances
decoded alone it gives 33.7 % WER against batch CMN's 31.2 % (live CMN of the
front end: far worse); later phrases of a stream do better, starting from
their channel's mean.

Dynamic features do not change when a constant is subtracted from the
statics, so features computed without CMN plus this subtraction of the
first ``num_cepstra`` columns are exactly batch CMN when the mean is the
utterance's.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["PhraseCmn", "LOOK_AHEAD", "PRIOR_FRAMES", "PRIOR_WINDOW"]

#: Frames past the current one that enter its mean.
LOOK_AHEAD = 10
#: Weight of the prior mean, in frames.
PRIOR_FRAMES = 100
#: Frames of earlier units the carried prior remembers.
PRIOR_WINDOW = 500


class PhraseCmn:
    """Per-unit causal CMN with a carried prior (see the module docstring).

    Args:
        num_cepstra: static coefficients per frame (the columns normalised).
        init: the model's ``cmninit`` (missing coefficients are 0).
    """

    def __init__(self, num_cepstra: int, init: Sequence[float]) -> None:
        self.n = num_cepstra
        prior = np.zeros(num_cepstra, np.float64)
        vals = [float(v) for v in list(init)[:num_cepstra]]
        prior[:len(vals)] = vals
        self.prior = prior
        self._prior_weight = 0.0  # frames the carried prior stands for (0: the model's only)
        self.start_unit()

    @property
    def prior_weight(self) -> float:
        """Frames of earlier units the carried prior stands for (0: the model's cmninit only)."""
        return self._prior_weight

    def start_unit(self) -> None:
        self._sum = np.zeros(self.n, np.float64)
        self._count = 0.0
        self._upto = 0  # frames of the unit (relative) already in the sum

    def normalise(self, unit: np.ndarray, a: int, b: int) -> np.ndarray:
        """Frames ``a`` to ``b`` of the unit's frames ``unit`` (those seen so
        far; ``b + LOOK_AHEAD`` of them when available), normalised."""
        out = np.array(unit[a:b], np.float32, copy=True)
        if b <= a:
            return out
        last = min(len(unit), b + LOOK_AHEAD)
        if last > self._upto:
            block = unit[self._upto:last, :self.n].astype(np.float64)
            ok = (block[:, 0] >= 0)[:, None]  # digital silence does not count, as in batch CMN
            sums = np.cumsum(block * ok, axis=0) + self._sum
            counts = np.cumsum(ok[:, 0]) + self._count
        else:
            sums = np.zeros((0, self.n))
            counts = np.zeros(0)
        for_frames = np.minimum(np.arange(a, b) + LOOK_AHEAD, last - 1) - self._upto
        k = PRIOR_FRAMES
        mean = np.empty((b - a, self.n))
        fresh = for_frames >= 0
        if fresh.any():
            j = for_frames[fresh]
            mean[fresh] = (k * self.prior + sums[j]) / (k + counts[j])[:, None]
        if not fresh.all():  # already summed: the unit's mean so far
            mean[~fresh] = (k * self.prior + self._sum) / (k + self._count)
        out[:, :self.n] -= mean.astype(np.float32)
        if last > self._upto:
            self._sum, self._count, self._upto = sums[-1], float(counts[-1]), last
        return out

    def end_unit(self) -> None:
        """Folds the unit's frames into the carried prior."""
        if self._count <= 0:
            return
        w = self._prior_weight
        self.prior = (w * self.prior + self._sum) / (w + self._count)
        self._prior_weight = min(PRIOR_WINDOW, w + self._count)
        self.start_unit()
