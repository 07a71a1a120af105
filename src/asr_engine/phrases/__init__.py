"""Phrases: speech detection and the cutting of audio into phrases.

The :class:`SpeechDetector` marks 10 ms feature frames as speech or
non-speech from the acoustic model's speech and silence/noise Gaussians (the
native ``SpeechDetector``); the segmenter built on it cuts audio at pauses so
that each phrase is decoded on its own. This package sits between the front
end and the search: it may import ``asr_engine._core``, ``errors``,
``validation``, ``frontend``, ``acoustic`` and ``audio``, never the
recognizer, the façades or anything above them.
"""
from .speech_detector import (
    SpeechDecisions,
    SpeechDetector,
    SpeechDetectorOptions,
    check_sensitivity,
    detect_speech,
)
from .segmenter import (
    DEFAULT_END_OF_PHRASE_SILENCE,
    END_OF_UTTERANCE_REASONS,
    MAX_PHRASE_TIME,
    PhraseSpan,
    Segmenter,
    SegmenterOptions,
    check_silence_time,
    segment,
)

__all__ = [
    "DEFAULT_END_OF_PHRASE_SILENCE",
    "END_OF_UTTERANCE_REASONS",
    "MAX_PHRASE_TIME",
    "PhraseSpan",
    "Segmenter",
    "SegmenterOptions",
    "check_silence_time",
    "segment",
    "SpeechDecisions",
    "SpeechDetector",
    "SpeechDetectorOptions",
    "check_sensitivity",
    "detect_speech",
]
