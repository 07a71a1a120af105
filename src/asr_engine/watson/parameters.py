"""The parameters of IBM ``recognize``: defaults, ranges and interactions (§1.2).

:func:`recognize_parameters` turns the keyword arguments of
``SpeechToTextV1.recognize`` (or of a WebSocket ``start`` message, or of
``create_job``) into one checked :class:`RecognizeParameters`:

* each value is type- and range-checked (400 naming the parameter);
* the service's interactions are applied: ``redaction`` forces
  ``smart_formatting``, one alternative and no keyword spotting;
  ``speaker_labels`` forces ``timestamps``; ``max_alternatives=0`` is 1;
  ``end_of_phrase_silence_time=0`` is the default 0.8 s; ``keywords`` and
  ``keywords_threshold`` need each other; ``customization_weight`` and
  ``grammar_name`` need a custom language model;
* parameters the previous-generation models do not know (``low_latency``,
  ``speech_begin_event``, ``smart_formatting_version``, ...) and unknown
  names become the service's ``warnings`` (``"Unknown arguments:
  low_latency."``), never an error, as the service does.

Nothing here recognizes anything; the façade hands the checked values on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..customization.names import check_guid
from ..errors import InvalidArgumentError

#: Model used when ``model`` is omitted.
DEFAULT_MODEL = "en-US_BroadbandModel"
#: ``end_of_phrase_silence_time`` of the previous-generation models, seconds.
DEFAULT_END_OF_PHRASE_SILENCE_TIME = 0.8
MAX_KEYWORDS = 1000
MAX_KEYWORD_CHARS = 1024
#: n-best hypotheses the engine computes at most (a larger request gets these).
MAX_ALTERNATIVES = 100

#: Next-generation parameters a previous-generation model answers with a
#: warning; the value is the name the service's warning uses.
NEXT_GENERATION_ONLY = {
    "low_latency": "low_latency",
    "character_insertion_bias": "lambdaBias",
    "speech_begin_event": "speech_begin_event",
    "smart_formatting_version": "smart_formatting_version",
    "sad_module": "sad_module",
    "enrichments": "enrichments",
}
#: Parameters of the streaming and asynchronous interfaces only (a
#: synchronous ``recognize`` names them in its warning).
STREAMING_ONLY = ("interim_results", "processing_metrics", "processing_metrics_interval")


@dataclass(frozen=True)
class RecognizeParameters:
    """The checked parameters of one recognition (§1.2 defaults)."""

    model: str = DEFAULT_MODEL
    language_customization_id: Optional[str] = None
    acoustic_customization_id: Optional[str] = None
    base_model_version: Optional[str] = None
    customization_weight: Optional[float] = None
    grammar_name: Optional[str] = None
    inactivity_timeout: int = 30  #: seconds of non-speech before a stream is closed; -1: never
    interim_results: bool = False  #: WebSocket only
    keywords: tuple[str, ...] = ()
    keywords_threshold: Optional[float] = None
    max_alternatives: int = 1
    word_alternatives_threshold: Optional[float] = None
    word_confidence: bool = False
    timestamps: bool = False
    profanity_filter: bool = True
    smart_formatting: bool = False
    speaker_labels: bool = False
    redaction: bool = False
    audio_metrics: bool = False
    processing_metrics: bool = False
    processing_metrics_interval: float = 1.0
    end_of_phrase_silence_time: float = DEFAULT_END_OF_PHRASE_SILENCE_TIME
    split_transcript_at_phrase_end: bool = False
    speech_detector_sensitivity: float = 0.5
    background_audio_suppression: float = 0.0
    customer_id: Optional[str] = None  #: ``X-Watson-Metadata: customer_id=...``
    warnings: tuple[str, ...] = field(default=())

    @property
    def spotting(self) -> bool:
        """Whether keyword spotting runs (keywords given and not redacted)."""
        return bool(self.keywords) and self.keywords_threshold is not None


# -- value checks -----------------------------------------------------------------


def _bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(f"The value of parameter {name} must be true or false, not {value!r}.")
    return value


def _number(name: str, value: object, low: float, high: Optional[float]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise InvalidArgumentError(f"The value of parameter {name} must be a number, not {value!r}.")
    v = float(value)
    if v < low or (high is not None and v > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidArgumentError(f"The value {value!r} of parameter {name} is out of range: "
                                   f"it must be {bound}.")
    return v


def _integer(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"The value of parameter {name} must be an integer, not {value!r}.")
    if value < low:
        raise InvalidArgumentError(f"The value {value!r} of parameter {name} is out of range: "
                                   f"it must be at least {low}.")
    return int(value)


def _timeout(name: str, value: object) -> int:
    """``inactivity_timeout``: seconds, or -1 for none. 0 is refused (the
    engine's stream would end at once) as the engine refuses it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"The value of parameter {name} must be an integer, not {value!r}.")
    if value == 0 or value < -1:
        raise InvalidArgumentError(f"The value {value!r} of parameter {name} is out of range: it must be a "
                                   "positive number of seconds, or -1 for no timeout.")
    return int(value)


def _string(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"The value of parameter {name} must be a non-empty string, not {value!r}.")
    return value


def _keywords(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # the query form: comma-separated
        value = [k for k in value.split(",")]
    if not isinstance(value, (list, tuple)):
        raise InvalidArgumentError(f"The value of parameter keywords must be a list of strings, not {value!r}.")
    if len(value) > MAX_KEYWORDS:
        raise InvalidArgumentError(f"Too many keywords: {len(value)}; at most {MAX_KEYWORDS} are allowed.")
    out = []
    for k in value:
        if not isinstance(k, str) or not k.strip():
            raise InvalidArgumentError(f"Each keyword must be a non-empty string, not {k!r}.")
        if len(k) > MAX_KEYWORD_CHARS:
            raise InvalidArgumentError(f"The keyword '{k[:40]}...' is longer than {MAX_KEYWORD_CHARS} characters.")
        out.append(k)
    return tuple(out)


_CHECKS = {
    "model": _string,
    "language_customization_id": lambda n, v: check_guid(v, n),
    "acoustic_customization_id": lambda n, v: check_guid(v, n),
    "base_model_version": _string,
    "customization_weight": lambda n, v: _number(n, v, 0.0, 1.0),
    "grammar_name": _string,
    "inactivity_timeout": lambda n, v: _timeout(n, v),
    "interim_results": _bool,
    "keywords": lambda n, v: _keywords(v),
    "keywords_threshold": lambda n, v: _number(n, v, 0.0, 1.0),
    "max_alternatives": lambda n, v: _integer(n, v, 0),
    "word_alternatives_threshold": lambda n, v: _number(n, v, 0.0, 1.0),
    "word_confidence": _bool,
    "timestamps": _bool,
    "profanity_filter": _bool,
    "smart_formatting": _bool,
    "speaker_labels": _bool,
    "redaction": _bool,
    "audio_metrics": _bool,
    "processing_metrics": _bool,
    "processing_metrics_interval": lambda n, v: _number(n, v, 0.1, None),
    "end_of_phrase_silence_time": lambda n, v: _number(n, v, 0.0, 120.0),
    "split_transcript_at_phrase_end": _bool,
    "speech_detector_sensitivity": lambda n, v: _number(n, v, 0.0, 1.0),
    "background_audio_suppression": lambda n, v: _number(n, v, 0.0, 1.0),
}


def _known_on(name: str, interface: str) -> bool:
    if name == "interim_results":
        return interface == "websocket"
    return name not in STREAMING_ONLY or interface != "http"


def unknown_arguments_warning(names) -> Optional[str]:
    """The service's warning for parameters it does not know, or None."""
    names = list(dict.fromkeys(names))
    return f"Unknown arguments: {', '.join(names)}." if names else None


def recognize_parameters(params: Mapping[str, Any], *, interface: str = "http",
                         customer_id: Optional[str] = None) -> RecognizeParameters:
    """Check ``params`` (None values mean "omitted", as in the SDK) and apply
    the service's interactions.

    Args:
        interface: ``"http"`` (``recognize``), ``"websocket"`` or ``"async"``
            (``create_job``): which of :data:`STREAMING_ONLY` are known.

    Raises:
        InvalidArgumentError: a value of the wrong type or out of range, or a
            combination the service refuses (400).
    """
    values: dict[str, Any] = {}
    unknown: list[str] = []
    alias = params.get("customization_id")
    for name, value in params.items():
        if value is None:
            continue
        if name == "customization_id":  # deprecated alias of language_customization_id
            continue
        if name in NEXT_GENERATION_ONLY:
            unknown.append(NEXT_GENERATION_ONLY[name])
        elif name in _CHECKS and _known_on(name, interface):
            values[name] = _CHECKS[name](name, value)
        else:
            unknown.append(name)
    if alias is not None and "language_customization_id" not in values:
        values["language_customization_id"] = check_guid(alias, "customization_id")

    if "customization_weight" in values and "language_customization_id" not in values:
        raise InvalidArgumentError("Cannot specify customization weight when not using customization.")
    if "grammar_name" in values and "language_customization_id" not in values:
        raise InvalidArgumentError("grammar_name requires a language_customization_id: a grammar belongs to a "
                                   "custom language model.")
    has_keywords, has_threshold = "keywords" in values, "keywords_threshold" in values
    if has_keywords != has_threshold and (values.get("keywords") or has_threshold):
        missing = "keywords_threshold" if has_keywords else "keywords"
        raise InvalidArgumentError(f"keywords and keywords_threshold must be specified together: {missing} "
                                   "is missing.")
    if values.get("max_alternatives") == 0:
        values["max_alternatives"] = 1
    if values.get("end_of_phrase_silence_time") == 0.0:
        values["end_of_phrase_silence_time"] = DEFAULT_END_OF_PHRASE_SILENCE_TIME
    if values.get("redaction"):
        values.update(smart_formatting=True, max_alternatives=1, interim_results=False)
        values.pop("keywords", None)
        values.pop("keywords_threshold", None)
    if values.get("speaker_labels"):
        values["timestamps"] = True
    warning = unknown_arguments_warning(unknown)
    return RecognizeParameters(**values, customer_id=customer_id, warnings=(warning,) if warning else ())


__all__ = ["RecognizeParameters", "recognize_parameters", "unknown_arguments_warning", "DEFAULT_MODEL",
           "NEXT_GENERATION_ONLY", "STREAMING_ONLY", "MAX_KEYWORDS", "MAX_KEYWORD_CHARS", "MAX_ALTERNATIVES"]
