"""Adaptation statistics from audio: state alignments, supervised or not.

A :class:`StatisticsCollector` turns (features, words) pairs into the native
``AdaptationStatistics`` of a model: it force-aligns the words, labels every
frame with the senone of its HMM state, and adds the frames, each weighted
by its word's weight (1 for given transcripts; for a recognition pass, 1 for
words whose lattice posterior reaches the confidence threshold and 0 for the
rest, so doubtful words teach the model nothing).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..align import AlignOptions, ForcedAligner, MissingWordsError
from ..dictionary import Dictionary
from ..errors import AsrError


class StatisticsCollector:
    """Accumulates statistics for ``model`` (the prior of the adaptation)."""

    def __init__(self, model: AcousticModel, dictionary: Dictionary,
                 align_options: AlignOptions = AlignOptions(), include_fillers: bool = True) -> None:
        self.model = model
        self.aligner = ForcedAligner(model, dictionary, align_options)
        self.native = _core.AdaptationStatistics(model.native)
        self.include_fillers = include_fillers
        self.utterances = 0
        self.skipped = 0  #: utterances that could not be aligned

    @property
    def frames(self) -> float:
        return self.native.frames

    def add(self, features: np.ndarray, words: Sequence[str], word_weights: Optional[Sequence[float]] = None,
            observed: Optional[np.ndarray] = None) -> bool:
        """Align ``words`` to ``features`` and add the frames; returns False
        (and counts the utterance as skipped) if they cannot be aligned.

        Args:
            features: frames x ``model.frame_dim``.
            words: the transcript (text words; normalised by the aligner).
            word_weights: one weight per word (default 1); frames of silence and
                noise get 1 if ``include_fillers``, else 0.
            observed: other features of the same frames to gather the sums from
                (stereo data); the alignment and posteriors use ``features``.
        """
        try:
            dict_words = self.aligner.words(list(words))
            if not dict_words:
                raise MissingWordsError([])
            senones, slots = self.aligner.frame_senones(features, dict_words)
        except (MissingWordsError, AsrError):
            self.skipped += 1
            return False
        if word_weights is not None and len(word_weights) != len(dict_words):
            word_weights = None  # normalisation changed the word count: weight all alike
        per_word = np.ones(len(dict_words) + 1, np.float32)
        if word_weights is not None:
            per_word[:-1] = np.asarray(word_weights, np.float32)
        per_word[-1] = 1.0 if self.include_fillers else 0.0  # index -1: fillers
        weights = per_word[slots]
        self.native.accumulate(np.ascontiguousarray(features, np.float32), senones, weights,
                               None if observed is None else np.ascontiguousarray(observed, np.float32))
        self.utterances += 1
        return True
