"""What ``Recognizer.recognize(audio_metrics=True, speaker_labels=True)`` adds
to a result: the services' audio metrics and per-word speaker labels.

Both ride on the frames recognition already has: the audio at the model's
rate, its feature frames, and one run of the speech detector over them
(shared by the two). Speaker labels come from the
:class:`~asr_engine.diarization.SpeakerDiarizer` on the front end's cepstra
(one diarizer per acoustic model, built on first use and shared: it holds
options only), each recognized word taking the speaker whose model best
explains its frames. This module sits with the recognizer: it may import
``phrases``, ``diarization``, ``frontend``, ``results`` and below.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Optional

import numpy as np

from .audio import Audio
from .diarization import SpeakerDiarizer, speaker_labels
from .frontend import FrontendOptions, compute_mfcc
from .phrases import SpeechDetectorOptions, detect_speech
from .phrases.audio_metrics import AudioMetrics, audio_metrics
from .results import Result, SpeakerLabel

_diarizers: "weakref.WeakKeyDictionary[Any, SpeakerDiarizer]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _diarizer(acoustic_model: Any) -> SpeakerDiarizer:
    with _lock:
        d = _diarizers.get(acoustic_model)
        if d is None:
            d = SpeakerDiarizer(acoustic_model)
            _diarizers[acoustic_model] = d
        return d


def speech_frames(features: np.ndarray, acoustic_model: Any,
                  options: Optional[SpeechDetectorOptions] = None) -> np.ndarray:
    """The speech detector's decision (True = speech) per feature frame."""
    if len(features) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(detect_speech(features, acoustic_model, options).speech, dtype=bool)


def metrics_of(audio: Audio, speech: np.ndarray, frame_rate: float) -> AudioMetrics:
    """The ``AudioMetrics`` of the request's audio (at the model's rate)."""
    return audio_metrics(audio.samples, audio.sample_rate, speech, frame_rate)


def labels_of(result: Result, audio: Audio, speech: np.ndarray, acoustic_model: Any,
              frontend: FrontendOptions) -> list[SpeakerLabel]:
    """One :class:`SpeakerLabel` per word of ``result.words``."""
    if not result.words:
        return []
    cepstra = compute_mfcc(audio, frontend)
    n = min(cepstra.shape[0], speech.shape[0])
    diarization = _diarizer(acoustic_model).diarize_frames(cepstra[:n, 1:], speech[:n])
    return [SpeakerLabel(float(e["from"]), float(e["to"]), int(e["speaker"]), float(e["confidence"]),
                         bool(e["final"]))  # type: ignore[arg-type]
            for e in speaker_labels(result.words, diarization)]


def add_reports(result: Result, audio: Audio, features: np.ndarray, acoustic_model: Any,
                frontend: FrontendOptions, frame_rate: float, *, metrics: bool, labels: bool) -> Result:
    """``result`` with ``audio_metrics`` and/or ``speaker_labels`` filled in."""
    if not (metrics or labels):
        return result
    speech = speech_frames(features, acoustic_model)
    if metrics:
        result.audio_metrics = metrics_of(audio, speech, frame_rate)
    if labels:
        result.speaker_labels = labels_of(result, audio, speech, acoustic_model, frontend)
    return result


__all__ = ["add_reports", "speech_frames", "metrics_of", "labels_of"]
