"""Azure's Speech-to-Text REST API for short audio, offline.

:func:`recognize` (and :class:`SpeechService`, one owner's service with its
custom models) returns the response JSON of the service (§5.3 of the
contract: ``simple`` and ``detailed`` formats, the four text forms,
``RecognitionStatus``, pronunciation assessment) as a dict;
:meth:`SpeechService.handle` takes an HTTP request's query, headers and
body and returns ``(status, JSON body)`` for a server to send. The façade
is thin: parameter and header checking (:mod:`.assessment_parameters`),
the status decisions from the speech detector and the rejection margin
(:mod:`.status`) and JSON shaping (:mod:`.response`); recognition,
formatting and scoring are the engine's (``Recognizer``,
:mod:`asr_engine.formatting`, :mod:`asr_engine.pronunciation`).

May import: the engine API (``audio``, ``frontend``, ``phrases``,
``results``, ``errors``, ``limits``, ``validation``), ``formatting``,
``pronunciation`` and ``customization`` (custom models for ``cid``).
Nothing imports it but servers and users.
"""
from __future__ import annotations

from .assessment_parameters import AssessmentParameters, encode_assessment_header, parse_assessment
from .speech_service import (
    FORMATS,
    MAX_ASSESSED_AUDIO_SECONDS,
    MAX_AUDIO_SECONDS,
    SpeechService,
    default_service,
    recognize,
)
from .status import INITIAL_SILENCE_TIMEOUT, NO_MATCH_MARGIN, NOISE_FLUX, NOISE_LEVEL_DBFS

__all__ = [
    "SpeechService",
    "recognize",
    "default_service",
    "AssessmentParameters",
    "parse_assessment",
    "encode_assessment_header",
    "FORMATS",
    "MAX_AUDIO_SECONDS",
    "MAX_ASSESSED_AUDIO_SECONDS",
    "INITIAL_SILENCE_TIMEOUT",
    "NO_MATCH_MARGIN",
    "NOISE_LEVEL_DBFS",
    "NOISE_FLUX",
]
