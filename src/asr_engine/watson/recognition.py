"""``recognize`` of the Watson façade: from checked parameters to the engine
and back to the service's JSON.

:class:`RecognitionTarget` resolves what one request recognizes with: the
base model (404 ``Model {name} not found``), the custom language model
(trained artifact, its base, its weight), the grammar, the custom acoustic
model (:func:`.acoustic_models.acoustic_adaptation`), ``base_model_version``
(:func:`.versions.resolve_base_version`).
The recognizer for a custom model comes from the engine
(``Recognizer.customized``, cached per trained model and weight).
:func:`decode_request_audio` applies the service's audio rules (at least
100 bytes; audio below the model's rate is refused; the IBM texts of §1.8).
The façade decides nothing about what is recognized; it always decodes
phrase by phrase as a stream does (:data:`PHRASE_DECODING`), with the model
the request names (never the engine's band routing, as the service), so the
HTTP, WebSocket and asynchronous interfaces give one result for one audio.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..audio import Audio
from ..audio.input import read_audio
from ..customization.audio import below_rate_text
from ..customization.base_models import BaseModel, lookup
from ..errors import AsrError, AudioError, InvalidArgumentError, PayloadTooLargeError
from ..limits import MAX_AUDIO_BYTES
from .acoustic_models import acoustic_adaptation
from .parameters import MAX_ALTERNATIVES, RecognizeParameters
from .result_json import results_json
from .versions import resolve_base_version

#: How a one-shot request is decoded: phrase by phrase exactly as a stream
#: (``Recognizer.stream``, the WebSocket interface) decodes the same audio,
#: so a request gives the same phrases and words whichever interface it
#: comes through and however its audio is chunked.
PHRASE_DECODING = "live"
#: Smallest request the service accepts, in bytes.
MIN_AUDIO_BYTES = 100
TOO_LARGE_TEXT = "Request failed because the input stream is larger than 100 MB"


@dataclass
class RecognitionTarget:
    """The recognizer, grammar and display table one request uses."""

    base: BaseModel
    recognizer: Any
    grammar: Any = None
    display_as: Mapping[str, str] = field(default_factory=dict)
    adaptation: Any = None  #: the custom acoustic model's adapted model
    warnings: list[str] = field(default_factory=list)

    def engine_options(self, params: RecognizeParameters) -> dict[str, Any]:
        """Keyword arguments of ``Recognizer.recognize`` for ``params``."""
        options: dict[str, Any] = {"max_alternatives": min(params.max_alternatives, MAX_ALTERNATIVES),
                                   # How the audio is cut into phrases: the same for one-shot and streams.
                                   "end_of_phrase_silence_time": params.end_of_phrase_silence_time,
                                   "split_transcript_at_phrase_end": params.split_transcript_at_phrase_end,
                                   "speech_detector_sensitivity": params.speech_detector_sensitivity,
                                   "background_audio_suppression": params.background_audio_suppression}
        if self.grammar is not None:
            options["grammar"] = self.grammar
        if self.adaptation is not None:
            options["adaptation"] = self.adaptation
        if params.spotting:
            options["keywords"] = list(params.keywords)
            options["keywords_threshold"] = params.keywords_threshold
        if params.word_alternatives_threshold is not None:
            options["word_alternatives_threshold"] = params.word_alternatives_threshold
        if params.audio_metrics:
            options["audio_metrics"] = True
        if params.speaker_labels:
            options["speaker_labels"] = True
        return options

    def recognize(self, decoded: Audio, params: RecognizeParameters) -> Any:
        """The engine's Result for one-shot audio: decoded as a stream would
        (:data:`PHRASE_DECODING`) with exactly the model the request names.
        The service never switches model by itself, and a stream cannot
        know in advance that 16 kHz audio is band-limited, so the engine's
        band routing (``pick_model_by_rate``) is off here."""
        return self.recognizer.recognize(decoded, phrase_decoding=PHRASE_DECODING, pick_model_by_rate=False,
                                         **self.engine_options(params))


def resolve_target(client: Any, params: RecognizeParameters) -> RecognitionTarget:
    """What ``params`` recognize with, for ``client`` (a
    :class:`~asr_engine.watson.SpeechToText`): models looked up,
    customizations loaded.

    Raises:
        NotFoundError: unknown model, customization or grammar (404).
        InvalidArgumentError: a custom model of another base model, an
            untrained one, or a ``base_model_version`` the models lack (400).
    """
    service, owner = client.language_models, client.owner
    base = lookup(service.base_models, params.model)
    language = acoustic = trained_version = None
    if params.language_customization_id is None:
        target = RecognitionTarget(base, base.recognizer())
    else:
        trained = service.trained_customization(owner, params.language_customization_id)
        if trained.base_model_name != base.name:
            raise InvalidArgumentError(
                f"The custom language model '{trained.customization_id}' is based on {trained.base_model_name}; "
                f"it cannot be used with {base.name}. Pass model='{trained.base_model_name}'.")
        language = (trained.customization_id,
                    service._fresh_row(owner, params.language_customization_id).versions)
        trained_version = trained.base_version
        weight = trained.customization_weight if params.customization_weight is None else params.customization_weight
        recognizer = base.recognizer().customized(trained.custom_lm(), weight)
        grammar = trained.grammar(params.grammar_name) if params.grammar_name is not None else None
        display = {w: d for w, d in (trained.display_as or {}).items() if d and d != w}
        target = RecognitionTarget(base, recognizer, grammar, display)
    if params.acoustic_customization_id is not None:
        # The acoustic model's own version rules (§3.3) apply to base_model_version.
        target.adaptation = acoustic_adaptation(client.acoustic_models, owner, base,
                                                params.acoustic_customization_id, params.base_model_version)
        acoustic = (params.acoustic_customization_id,
                    client.acoustic_models._fresh_row(owner, params.acoustic_customization_id).versions)
    if language is not None or acoustic is not None or params.base_model_version is not None:
        # Only then is there a version to check: the base model's own is a
        # digest of its files (listdir, stats), too dear for every request.
        _version, warnings = resolve_base_version(base, params.base_model_version, language=language,
                                                  acoustic=acoustic, trained_version=trained_version)
        target.warnings.extend(warnings)
    return target


def decode_request_audio(audio: Any, content_type: Optional[str], base: BaseModel) -> Audio:
    """The request's audio at the model's rate, with the service's checks and texts."""
    if isinstance(audio, (bytes, bytearray, memoryview)):
        if len(audio) < MIN_AUDIO_BYTES:
            raise AudioError(f"Stream was {len(audio)} bytes but needs to be at least {MIN_AUDIO_BYTES} bytes.")
        if len(audio) > MAX_AUDIO_BYTES:
            raise PayloadTooLargeError(TOO_LARGE_TEXT)
    try:
        decoded = read_audio(audio, content_type, target_rate=base.rate)
    except PayloadTooLargeError as exc:
        if "larger than the limit" in exc.message:
            raise PayloadTooLargeError(TOO_LARGE_TEXT) from None
        raise
    except AsrError as exc:
        if type(exc) is AudioError and "rate parameter missing" not in exc.message:
            declared = (content_type or "application/octet-stream").split(";")[0].strip()
            raise AudioError(f"unable to transcode data stream {declared} -> audio/x-float-array "
                             f"({exc.message})") from None
        raise
    if decoded.original_rate < base.rate:
        raise AudioError(below_rate_text(decoded.original_rate, base.rate, base.name))
    if decoded.original_rate != base.rate:
        # The model's own rate: a narrowband request is 8 kHz audio to the engine.
        decoded = Audio(decoded.samples, base.rate, base.rate, decoded.channels, decoded.duration, decoded.encoding)
    return decoded


def recognize_json(client: Any, audio: Any, content_type: Optional[str], params: RecognizeParameters) -> dict:
    """One synchronous recognition as ``SpeechRecognitionResults``."""
    target = resolve_target(client, params)
    decoded = decode_request_audio(audio, content_type, target.base)
    result = target.recognize(decoded, params)
    return results_json(result, params, display_as=target.display_as, warnings=target.warnings)


__all__ = ["recognize_json", "resolve_target", "decode_request_audio", "RecognitionTarget", "MIN_AUDIO_BYTES",
           "PHRASE_DECODING"]
