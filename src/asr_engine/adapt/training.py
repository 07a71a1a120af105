"""Training a speaker-adapted acoustic model: MLLR, then MAP.

``adapt_acoustic_model(recognizer, items)`` takes ``(audio, transcript)``
pairs. A transcript given is force-aligned as it is (supervised); ``None``
means unsupervised: the recognizer transcribes the audio with the base
model and only the words whose posterior reaches
``AdaptationOptions.confidence_threshold`` contribute frames, each word's
frames weighted by its posterior (``confidence_weighting``): the statistics
are then those expected of the words that are right, so a kept word that is
likely wrong teaches the model less than a sure one. Then:

1. MLLR: a global transform plus one per phone class of the regression tree
   that has at least ``min_frames`` frames (block-diagonal per stream, with
   bias); every Gaussian moves with its class.
2. MAP (optional, ``mean_prior`` > 0): each Gaussian's mean moves from its
   MLLR-adapted value towards its own data, by its occupancy against
   ``mean_prior`` frames. With ``weight_prior`` > 0 the mixture weights are
   re-estimated too (the shipped model's weights are a quantized ``sendump``;
   they are read as floats and the adapted ones are saved as a float
   ``mixture_weights`` file).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Tuple

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..audio import Audio, load_audio
from ..errors import InvalidArgumentError
from ..frontend import FeatureStream
from .model import AdaptedAcousticModel, MllrTransform
from .statistics import StatisticsCollector


@dataclass(frozen=True)
class AdaptationOptions:
    """How an adapted model is estimated (defaults tuned on kathleen -> cathy)."""

    min_frames: float = 3000.0  #: frames a regression class needs for a transform of its own
    regression_tree: bool = True  #: False: one global transform only
    block_diagonal: bool = True  #: block-diagonal matrices inside long streams
    ridge: float = 0.01  #: pull of each MLLR row towards identity, relative to its data
    mean_prior: float = 8.0  #: MAP prior weight of the means, in frames; 0 = MLLR only
    variance_prior: float = 0.0  #: MAP prior weight of the variances; 0 = keep them
    weight_prior: float = 10.0  #: MAP prior weight of the mixture weights; 0 = keep them
    confidence_threshold: float = 0.5  #: unsupervised: least posterior of a word that is used
    confidence_weighting: bool = True  #: unsupervised: a used word's frames count by its posterior (else 1)
    include_fillers: bool = True  #: adapt silence and noise Gaussians too

    def __post_init__(self) -> None:
        for name in ("min_frames", "ridge", "mean_prior", "variance_prior", "weight_prior"):
            if not getattr(self, name) >= 0:
                raise InvalidArgumentError(f"{name} must be non-negative")
        if not 0 <= self.confidence_threshold <= 1:
            raise InvalidArgumentError("confidence_threshold must be between 0 and 1")
        for name in ("regression_tree", "block_diagonal", "confidence_weighting", "include_fillers"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidArgumentError(f"{name} must be True or False")


def word_weight(confidence: Optional[float], options: AdaptationOptions) -> float:
    """How much a recognized word's frames count in unsupervised statistics:
    0 below ``confidence_threshold``, else its posterior (or 1 without
    ``confidence_weighting``). On kathleen -> cathy (unsupervised, 18 min):
    cathy WER 0.1814 with 0/1 weights, 0.1838 with the posterior of every
    word, 0.1765 with the posterior of the words kept (base 0.1961)."""
    c = float(confidence or 0.0)
    if c < options.confidence_threshold:
        return 0.0
    return min(c, 1.0) if options.confidence_weighting else 1.0


def features_for(recognizer, audio) -> Tuple[np.ndarray, Audio]:
    """The recognizer's features (batch CMN) for ``audio``."""
    if not isinstance(audio, Audio):
        audio = load_audio(audio, sample_rate=recognizer.sample_rate)
    stream = FeatureStream(recognizer.frontend_options, recognizer.feature_options)
    return np.vstack([stream.accept(audio.samples), stream.finish()]), audio


def estimate(base: AcousticModel, stats: "_core.AdaptationStatistics", tree: "_core.RegressionTree",
             options: AdaptationOptions) -> Tuple[AcousticModel, Optional[MllrTransform]]:
    """MLLR (then MAP) from accumulated statistics; returns the adapted model and transform."""
    transform = MllrTransform(_core.MllrTransform.estimate(
        base.native, stats, tree, min_frames=options.min_frames, regression_tree=options.regression_tree,
        block_diagonal=options.block_diagonal, ridge=options.ridge))
    adapted = transform.apply(base)
    if options.mean_prior > 0 or options.variance_prior > 0 or options.weight_prior > 0:
        adapted = AcousticModel(_core.map_adapt(adapted.native, stats, mean_prior=options.mean_prior,
                                                variance_prior=options.variance_prior,
                                                weight_prior=options.weight_prior))
    return adapted, transform


def adapt_acoustic_model(recognizer, items: Iterable[Tuple[object, Optional[str]]],
                         options: AdaptationOptions = AdaptationOptions()) -> AdaptedAcousticModel:
    """Adapt ``recognizer``'s acoustic model to the audio of ``items``.

    Args:
        recognizer: a :class:`~asr_engine.recognizer.Recognizer` (its acoustic
            model is the base; it transcribes the unsupervised items).
        items: ``(audio, transcript)`` pairs; ``transcript`` None = unsupervised.
        options: estimation options.

    Raises:
        InvalidArgumentError: no frame could be used (no audio, nothing aligned
            or nothing confident).
    """
    started, started_cpu = time.perf_counter(), time.thread_time()
    base = recognizer.acoustic_model
    collector = StatisticsCollector(base, recognizer.dictionary, include_fillers=options.include_fillers)
    audio_seconds = 0.0
    supervised = unsupervised = 0
    for audio, transcript in items:
        feats, audio = features_for(recognizer, audio)
        audio_seconds += audio.duration
        if len(feats) == 0:
            continue
        if transcript is not None:
            supervised += 1
            collector.add(feats, transcript.split())
            continue
        unsupervised += 1
        result = recognizer.recognize(audio)
        words = [w.word for w in result.words]
        if not words:
            continue
        weights = [word_weight(w.confidence, options) for w in result.words]
        if not any(weights):
            continue
        collector.add(feats, words, weights)
    if collector.frames <= 0:
        raise InvalidArgumentError("no usable speech to adapt to (nothing aligned or nothing confident)")
    tree = _core.RegressionTree.phonetic(base.native)
    adapted, transform = estimate(base, collector.native, tree, options)
    info = {
        "options": asdict(options),
        "audio_seconds": round(audio_seconds, 3),
        "frames_used": round(collector.frames, 1),
        "utterances": collector.utterances,
        "skipped_utterances": collector.skipped,
        "supervised_utterances": supervised,
        "unsupervised_utterances": unsupervised,
        "classes": list(zip(transform.class_names, [round(f, 1) for f in transform.native.class_frames])),
        "mixture_weights_adapted": options.weight_prior > 0,
        "training_seconds": round(time.perf_counter() - started, 3),
        # all of it runs on this thread: its CPU time is the wall time it would take on an idle core
        "training_cpu_seconds": round(time.thread_time() - started_cpu, 3),
    }
    return AdaptedAcousticModel(adapted, base.path, transform, info)
