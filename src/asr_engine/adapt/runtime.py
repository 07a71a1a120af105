"""Runtime speaker adaptation: two passes over one utterance.

Decode with the current model, align the confident words of that first
result, estimate one global MLLR transform (block-diagonal, with bias) from
those frames alone, and decode again with the transformed means. Used by
``Recognizer.recognize(..., speaker_adaptation=True)``; it needs no custom
model and keeps nothing between calls.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..dictionary import Dictionary
from .statistics import StatisticsCollector


@dataclass(frozen=True)
class RuntimeAdaptationOptions:
    """Per-utterance adaptation (defaults measured on the dev set)."""

    min_frames: float = 150.0  #: fewer confident frames than this: keep the first pass
    confidence_threshold: float = 0.5  #: least word posterior used for the estimate
    ridge: float = 0.1  #: pull of the MLLR rows towards identity (one utterance is little data)


def adapt_to_utterance(model: AcousticModel, dictionary: Dictionary, features: np.ndarray, words, confidences,
                       options: RuntimeAdaptationOptions = RuntimeAdaptationOptions()) -> Optional[AcousticModel]:
    """A copy of ``model`` with one global MLLR transform estimated from
    ``features`` aligned to the first pass's ``words``; None when too few
    confident frames make it unsafe."""
    if not words:
        return None
    weights = [1.0 if (c or 0.0) >= options.confidence_threshold else 0.0 for c in confidences]
    if sum(weights) == 0:
        return None
    collector = StatisticsCollector(model, dictionary, include_fillers=False)
    if not collector.add(features, words, weights) or collector.frames < options.min_frames:
        return None
    tree = _core.RegressionTree.phonetic(model.native)
    transform = _core.MllrTransform.estimate(model.native, collector.native, tree, regression_tree=False,
                                             ridge=options.ridge)
    return AcousticModel(transform.apply(model.native))
