"""``SpeechService``: Azure's Speech-to-Text REST API for short audio, offline.

Two doors to one call:

* :meth:`SpeechService.recognize` (and the module-level :func:`recognize`)
  for Python: audio in, the response JSON of §5.3 out as a dict; a bad
  request raises :class:`~asr_engine.AsrError` with the HTTP status;
* :meth:`SpeechService.handle` for an HTTP server: the query parameters,
  the headers and the body bytes of ``POST
  /speech/recognition/conversation/cognitiveservices/v1`` in, ``(status,
  JSON body)`` out; a server route is a thin wrapper over it.

What the service does, and what was chosen where the documentation is silent:

* ``language`` is required (400 without it) and must be the language of a
  base model (``en-US``; others 400). ``format`` is ``simple`` (default) or
  ``detailed``; ``profanity`` ``masked`` (default), ``removed`` or ``raw``;
  ``wordLevelTimestamps=true`` adds ``Words`` to each ``NBest`` entry. Other
  query parameters are ignored, as the service ignores them.
* ``cid`` names a trained custom language model of this service's owner in
  the customization store (the ids that
  :class:`asr_engine.watson.SpeechToText` and
  :class:`asr_engine.customization.CustomLanguageModels` create): recognition
  uses the base model customized by it at its trained
  ``customization_weight``, and its words' ``display_as`` shape the ITN and
  display forms (the lexical form keeps the words). A malformed id is 400, an
  unknown one 404, an untrained one 400, one for another language 400.
* Content types: Azure's ``audio/wav; codecs=audio/pcm; samplerate=16000``
  and ``audio/ogg; codecs=opus``, and, as an extension, everything
  :mod:`asr_engine.audio` decodes (WAV in its encodings and at any rate,
  FLAC, Ogg Vorbis, MP3, ``audio/l16;rate=...``, mu-law, A-law), resampled
  to the model's rate; 8 kHz audio goes to the narrowband model. A
  ``samplerate`` parameter that contradicts the file's header is 400. The
  ``Content-Type`` header is required in :meth:`~SpeechService.handle`; the
  Python call detects containers when it is None.
* Limits: at most 60 s of audio, 30 s with pronunciation assessment (the
  documentation's limits); longer audio is a 400 that says so (the
  documentation does not say what the service does; refusing is what keeps a
  caller from silently losing the end). The whole audio is recognized as
  one utterance.
* ``RecognitionStatus`` follows §5.4 (see :mod:`.status`): timeouts from the
  speech detector (and ``BabbleTimeout`` for stationary noise it took for
  speech when nothing in it fits the language), ``NoMatch`` from the
  rejection margin against the phone loop, ``Error`` (200, ``Offset`` and
  ``Duration`` 0) when the service
  itself fails after the request was accepted (for instance a custom model
  whose stored files are damaged); the failure is logged on
  ``asr_engine.azure``. With ``profanity=removed``, audio that is only
  profanity gives ``NoMatch`` ("no speech result").
* ``Pronunciation-Assessment`` (a header, or a dict in Python; see
  :mod:`.assessment_parameters`) is scored by
  :class:`asr_engine.pronunciation.PronunciationAssessor` on the same
  decoded audio, reusing the recognition for miscue detection; its results
  fill the single ``NBest`` entry of ``format=detailed`` (``simple`` has no
  place for them, so the assessment is not run). With an assessment,
  ``NoMatch`` needs the recognizer to find no word at all: a learner's
  accent must get low scores, not silence.
* Errors are ``{"error": message, "code": status}`` (the engine's error
  body; the service documents none): 400 for bad parameters, headers and
  audio, 404 for an unknown ``cid``, 413 beyond 100 MB of body, 415 for a
  content type that is not audio. Offline there is no authentication: the
  ``Ocp-Apim-Subscription-Key`` and ``Authorization`` headers are for the
  server in front to check.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import weakref
from typing import Any, Iterable, Mapping, Optional, Union

from ..audio import Audio, load_audio
from ..audio.input import read_audio
from ..customization.base_models import BaseModel, lookup, shared_base_models
from ..errors import AsrError, AudioError, InvalidArgumentError, NotFoundError, PayloadTooLargeError
from ..formatting import azure_text_forms
from ..formatting.profanity import MODES as PROFANITY_MODES
from ..limits import MAX_AUDIO_BYTES
from ..pronunciation import PronunciationAssessor
from ..validation import describe_value
from . import response
from .assessment_parameters import HEADER as ASSESSMENT_HEADER
from .assessment_parameters import AssessmentParameters, parse_assessment
from .status import INITIAL_SILENCE_TIMEOUT, fits_language, speech_start

__all__ = ["SpeechService", "recognize", "default_service", "FORMATS", "MAX_AUDIO_SECONDS",
           "MAX_ASSESSED_AUDIO_SECONDS", "NBEST"]

logger = logging.getLogger("asr_engine.azure")

FORMATS = ("simple", "detailed")
#: Longest audio one request may hold, in seconds (the documentation's limit).
MAX_AUDIO_SECONDS = 60.0
#: Longest audio with pronunciation assessment.
MAX_ASSESSED_AUDIO_SECONDS = 30.0
#: Hypotheses asked of the lattice for ``NBest`` (fewer when they coincide).
NBEST = 5
_LOCALE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_BYTES = (bytes, bytearray, memoryview)


class SpeechService:
    """The short-audio recognition service of one owner.

    Args:
        store: the customization store holding the ``cid`` models (default:
            the store at ``$ASR_ENGINE_HOME``, opened on the first ``cid``).
        owner: whose custom models ``cid`` may name.
        base_models: ``{name: BaseModel}`` (default: the shared
            ``en-US_BroadbandModel`` and ``en-US_NarrowbandModel``); their
            languages are the ``language`` values accepted.
        initial_silence_timeout: seconds without speech at the start after
            which the result is a timeout status (the service's 5 s).
        max_audio_seconds: longest audio accepted (60 s).
        max_assessed_audio_seconds: longest audio with pronunciation
            assessment (30 s).
    """

    def __init__(self, store: Any = None, owner: str = "default", *,
                 base_models: Optional[Mapping[str, BaseModel]] = None,
                 initial_silence_timeout: float = INITIAL_SILENCE_TIMEOUT,
                 max_audio_seconds: float = MAX_AUDIO_SECONDS,
                 max_assessed_audio_seconds: float = MAX_ASSESSED_AUDIO_SECONDS) -> None:
        if not isinstance(owner, str) or not owner:
            raise InvalidArgumentError("owner must be a non-empty string")
        for name, value in (("initial_silence_timeout", initial_silence_timeout),
                            ("max_audio_seconds", max_audio_seconds),
                            ("max_assessed_audio_seconds", max_assessed_audio_seconds)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
                raise InvalidArgumentError(f"{name} must be a positive number of seconds, got {describe_value(value)}")
        self.owner = owner
        self.base_models = dict(base_models) if base_models is not None else shared_base_models()
        self.initial_silence_timeout = float(initial_silence_timeout)
        self.max_audio_seconds = float(max_audio_seconds)
        self.max_assessed_audio_seconds = float(max_assessed_audio_seconds)
        self._store = store
        self._language_models: Any = None
        self._assessors: "weakref.WeakKeyDictionary[Any, PronunciationAssessor]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    @property
    def languages(self) -> list[str]:
        """The ``language`` values this service accepts."""
        return sorted({m.language for m in self.base_models.values()})

    @property
    def language_models(self) -> Any:
        """The :class:`~asr_engine.customization.CustomLanguageModels` that
        ``cid`` resolves in (opened on first use)."""
        with self._lock:
            if self._language_models is None:
                from ..customization import CustomLanguageModels

                self._language_models = CustomLanguageModels(self._store, self.base_models)
            return self._language_models

    # -- the Python call ------------------------------------------------------

    def recognize(
        self,
        audio: Any,
        content_type: Optional[str] = None,
        *,
        language: Optional[str] = "en-US",
        format: str = "simple",
        profanity: str = "masked",
        pronunciation_assessment: Union[None, str, bytes, Mapping[str, Any]] = None,
        word_level_timestamps: bool = False,
        cid: Optional[str] = None,
        sample_rate: Optional[int] = None,
    ) -> dict[str, Any]:
        """Recognize short audio; the response JSON of §5.3 as a dict.

        Args:
            audio: bytes of an audio file, a path, a binary file object, a
                numpy array (with ``sample_rate``) or an
                :class:`~asr_engine.audio.Audio`.
            content_type: the ``Content-Type`` (e.g. ``audio/wav;
                codecs=audio/pcm; samplerate=16000``); None detects containers.
            language: the locale spoken (required; ``en-US``).
            format: ``simple`` or ``detailed``.
            profanity: ``masked``, ``removed`` or ``raw``.
            pronunciation_assessment: the ``Pronunciation-Assessment`` header
                value (base64 JSON) or a dict of its parameters
                (``ReferenceText``, ``GradingSystem``, ``Granularity``,
                ``Dimension``, ``EnableMiscue``, ``ScenarioId``,
                ``PhonemeAlphabet``, ``NBestPhonemeCount``).
            word_level_timestamps: ``Words`` with times in each ``NBest`` entry.
            cid: a trained custom language model id of this owner.
            sample_rate: the rate of a numpy array, in Hz.

        Raises:
            InvalidArgumentError, AudioError: a bad parameter or audio (400).
            NotFoundError: an unknown ``cid`` (404).
            UnsupportedMediaTypeError: a content type that is not audio (415).
        """
        base = self._base_model(language)
        fmt = _choice("format", format, FORMATS)
        mode = _choice("profanity", profanity, PROFANITY_MODES)
        if not isinstance(word_level_timestamps, bool):
            raise InvalidArgumentError(f"word_level_timestamps must be True or False, "
                                       f"got {describe_value(word_level_timestamps)}")
        assessment = parse_assessment(pronunciation_assessment) if pronunciation_assessment is not None else None
        if cid is not None and not isinstance(cid, str):
            raise InvalidArgumentError(f"cid must be a custom model id (a GUID string), got {describe_value(cid)}")
        limit = self.max_assessed_audio_seconds if assessment is not None else self.max_audio_seconds
        decoded = self._decode(audio, content_type, sample_rate, base, limit, assessment is not None)
        try:
            recognizer, display_as = self._recognizer(base, cid)
            return self._respond(decoded, base, recognizer, display_as, fmt, mode, word_level_timestamps,
                                 assessment if fmt == "detailed" else None)
        except (InvalidArgumentError, NotFoundError, AudioError):
            raise
        except Exception:  # the service failed, not the request: Azure's "Error" status
            logger.exception("short-audio recognition failed")
            return response.status_body("Error", 0.0, 0.0)

    # -- the HTTP route -------------------------------------------------------

    def handle(self, query: Mapping[str, Any], headers: Mapping[str, str],
               body: Union[bytes, bytearray, memoryview, Iterable[bytes], Any]) -> tuple[int, dict[str, Any]]:
        """One ``POST .../speech/recognition/conversation/cognitiveservices/v1``.

        Args:
            query: the query parameters (``language``, ``format``,
                ``profanity``, ``cid``, ``wordLevelTimestamps``); values are
                strings or one-element lists of strings (as ``parse_qs`` gives).
            headers: the request headers (names case-insensitive):
                ``Content-Type`` (required), ``Pronunciation-Assessment``.
            body: the audio bytes, an iterable of byte chunks (a chunked
                upload; only the first carries the WAV header) or a binary
                file object.

        Returns:
            ``(200, result JSON)``, or ``(status, {"error": ..., "code": ...})``.
        """
        try:
            params = _query(query)
            head = _headers(headers)
            content_type = head.get("content-type")
            if content_type is None or not content_type.strip():
                raise InvalidArgumentError("The Content-Type header is required: e.g. 'audio/wav; codecs=audio/pcm; "
                                           "samplerate=16000' or 'audio/ogg; codecs=opus'.")
            timestamps = params.get("wordleveltimestamps", "false").strip().lower()
            if timestamps not in ("true", "false"):
                raise InvalidArgumentError(f"wordLevelTimestamps must be true or false, got {timestamps!r}")
            data = _read_body(body)
            return 200, self.recognize(
                data, content_type, language=params.get("language"), format=params.get("format", "simple"),
                profanity=params.get("profanity", "masked"), cid=params.get("cid"),
                word_level_timestamps=timestamps == "true",
                pronunciation_assessment=head.get(ASSESSMENT_HEADER.lower()))
        except AsrError as e:
            return e.code, e.to_dict()
        except Exception:  # a defect here, not in the request
            logger.exception("short-audio request failed")
            return 500, {"error": "Internal error of the speech service; the request may be retried.", "code": 500}

    # -- steps ----------------------------------------------------------------

    def _base_model(self, language: object) -> BaseModel:
        if language is None or (isinstance(language, str) and not language.strip()):
            raise InvalidArgumentError("The language parameter is required: give the locale of the speech, "
                                       "e.g. language=en-US.")
        if not isinstance(language, str) or not _LOCALE.fullmatch(language.strip()):
            raise InvalidArgumentError(f"language must be a locale such as en-US, got {describe_value(language)}")
        wanted = language.strip().lower()
        found = [m for m in self.base_models.values() if m.language.lower() == wanted]
        if not found:
            raise InvalidArgumentError(f"The language {language!r} is not supported; supported: "
                                       f"{', '.join(self.languages)}.")
        return max(found, key=lambda m: m.rate)

    def _decode(self, audio: Any, content_type: Optional[str], sample_rate: Optional[int], base: BaseModel,
                limit: float, assessed: bool) -> Audio:
        rate = base.recognizer().sample_rate
        try:
            if isinstance(audio, (*_BYTES, str, os.PathLike)) or hasattr(audio, "read"):
                if sample_rate is not None:
                    raise InvalidArgumentError("sample_rate is for numpy arrays; encoded audio carries its rate")
                decoded = load_audio(audio, content_type, sample_rate=rate, max_duration=limit, allow_empty=True)
            else:
                decoded = read_audio(audio, content_type, sample_rate=sample_rate, target_rate=rate)
        except PayloadTooLargeError as e:
            if "bytes" in e.message:
                raise
            decoded = None
        if decoded is None or decoded.duration > limit:
            what = f"{decoded.duration:.1f} s" if decoded is not None else f"more than {limit:g} s"
            raise AudioError(f"The audio lasts {what}; a request may hold at most {limit:g} s of audio"
                             + (" with pronunciation assessment" if assessed else "")
                             + ". Send a shorter clip (or split long audio into parts).")
        _check_declared_rate(content_type, decoded)
        return decoded

    def _recognizer(self, base: BaseModel, cid: Optional[str]) -> tuple[Any, dict[str, str]]:
        """The recognizer for ``cid`` (the base one without) and its custom
        words' ``{word: display_as}``."""
        if cid is None:
            return base.recognizer(), {}
        service = self.language_models
        trained = service.trained_customization(self.owner, cid)
        model = lookup(service.base_models, trained.base_model_name)
        if model.language.lower() != base.language.lower():
            raise InvalidArgumentError(f"The custom model '{trained.customization_id}' is for {model.language}; "
                                       f"it cannot recognize language={base.language}.")
        custom = trained.custom_lm()
        recognizer = model.recognizer().customized(custom, trained.customization_weight)
        display = {w: cw.display_as for w, cw in custom.words.items() if cw.display_as and cw.display_as != w}
        return recognizer, display

    def _assessor(self, recognizer: Any) -> PronunciationAssessor:
        with self._lock:
            found = self._assessors.get(recognizer)
            if found is None:
                found = self._assessors[recognizer] = PronunciationAssessor(recognizer)
            return found

    def _respond(self, decoded: Audio, base: BaseModel, recognizer: Any, display_as: dict[str, str], fmt: str,
                 profanity: str, word_timestamps: bool,
                 assessment: Optional[AssessmentParameters]) -> dict[str, Any]:
        start = speech_start(decoded, base.recognizer(), self.initial_silence_timeout)
        if start.timeout is not None:
            return response.status_body(start.timeout, start.waited, 0.0)
        n = NBEST if fmt == "detailed" and assessment is None else 1
        result = recognizer.recognize(decoded, max_alternatives=n, score_against_phone_loop=True)
        lexical_of = {shown: word for word, shown in display_as.items()}
        hypotheses = [result, *result.alternatives]  # the best path first, whatever the n-best order
        entries: list[tuple[Any, dict[str, Any]]] = []
        seen: set[str] = set()
        for hyp in hypotheses:
            lexical = [lexical_of.get(w.word, w.word) for w in hyp.words]
            forms = azure_text_forms(lexical, profanity=profanity, display_as=display_as)
            if not forms.display or forms.lexical in seen:
                continue
            seen.add(forms.lexical)
            entries.append((hyp, response.nbest_entry(forms, hyp.words, lexical, profanity, word_timestamps)))
        best_words = result.words
        matched = bool(entries) and entries[0][0] is result and (assessment is not None or fits_language(result))
        if not matched:
            if start.stationary:  # noise the detector took for speech
                return response.status_body("BabbleTimeout", min(self.initial_silence_timeout, decoded.duration), 0.0)
            end = best_words[-1].end if best_words else decoded.duration
            onset = start.onset or 0.0
            return response.status_body("NoMatch", onset, end - onset)
        first, last = response.span(best_words)
        if fmt == "simple":
            return response.simple_body(entries[0][1]["Display"], first, last)
        nbest = [entry for _hyp, entry in entries]
        if assessment is not None:
            scores = self._assessor(recognizer).assess(decoded, assessment.reference_text, recognized=result,
                                                       **assessment.assess_options())
            nbest = [response.assessed_entry(nbest[0], scores)]
        return response.detailed_body(first, last, nbest)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str):
        for option in allowed:
            if value.strip().lower() == option:
                return option
    raise InvalidArgumentError(f"{name} must be one of {', '.join(allowed)}, got {describe_value(value)}")


def _check_declared_rate(content_type: Optional[str], decoded: Audio) -> None:
    """A ``samplerate=`` parameter (Azure's spelling) must agree with the file."""
    if not isinstance(content_type, str):
        return
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() != "samplerate":
            continue
        value = value.strip().strip('"')
        if not value.isdigit():
            raise AudioError(f"samplerate={value!r} in the Content-Type must be a number of Hz")
        if int(value) != decoded.original_rate:
            raise AudioError(f"The Content-Type says samplerate={value} but the audio is "
                             f"{decoded.original_rate} Hz; send the rate the file has.")


def _query(query: Mapping[str, Any]) -> dict[str, str]:
    if not isinstance(query, Mapping):
        raise InvalidArgumentError(f"query must be a mapping of parameter names to values, got {describe_value(query)}")
    out: dict[str, str] = {}
    for key, value in query.items():
        if not isinstance(key, str):
            raise InvalidArgumentError(f"query parameter names must be strings, got {describe_value(key)}")
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise InvalidArgumentError(f"The query parameter {key} must be given once, got {len(value)} values.")
            value = value[0]
        if not isinstance(value, str):
            raise InvalidArgumentError(f"The query parameter {key} must be a string, got {describe_value(value)}")
        if key.lower() in out:
            raise InvalidArgumentError(f"The query parameter {key} must be given once.")
        out[key.lower()] = value
    return out


def _headers(headers: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(headers, Mapping):
        raise InvalidArgumentError(f"headers must be a mapping of names to values, got {describe_value(headers)}")
    out: dict[str, str] = {}
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidArgumentError(f"header names and values must be strings, got {describe_value(key)}")
        out[key.lower()] = value
    return out


def _read_body(body: Any) -> bytes:
    """The request body (bytes, byte chunks or a file object), at most
    :data:`~asr_engine.limits.MAX_AUDIO_BYTES`."""
    if isinstance(body, _BYTES):
        data = bytes(body)
    elif hasattr(body, "read"):
        data = body.read(MAX_AUDIO_BYTES + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise AudioError("the body file object must be opened in binary mode")
    elif isinstance(body, Iterable) and not isinstance(body, str):
        buffer = bytearray()
        for chunk in body:
            if not isinstance(chunk, _BYTES):
                raise AudioError(f"body chunks must be bytes, got {describe_value(chunk)}")
            buffer += chunk
            if len(buffer) > MAX_AUDIO_BYTES:
                break  # refused below, without reading the rest
        data = bytes(buffer)
    else:
        raise AudioError(f"The body must be the audio bytes, got {describe_value(body)}")
    if len(data) > MAX_AUDIO_BYTES:
        raise PayloadTooLargeError(f"The request body is larger than the limit of {MAX_AUDIO_BYTES} bytes.")
    if not data:
        raise AudioError("The request body is empty: send the audio.")
    return bytes(data)


_default: Optional[SpeechService] = None
_default_lock = threading.Lock()


def default_service() -> SpeechService:
    """The shared :class:`SpeechService` of :func:`recognize` (owner
    ``default``, the default store), built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SpeechService()
        return _default


def recognize(audio: Any, content_type: Optional[str] = None, *, language: Optional[str] = "en-US",
              format: str = "simple", profanity: str = "masked",
              pronunciation_assessment: Union[None, str, bytes, Mapping[str, Any]] = None,
              word_level_timestamps: bool = False, cid: Optional[str] = None,
              sample_rate: Optional[int] = None) -> dict[str, Any]:
    """:meth:`SpeechService.recognize` on the shared :func:`default_service`."""
    return default_service().recognize(audio, content_type, language=language, format=format, profanity=profanity,
                                       pronunciation_assessment=pronunciation_assessment,
                                       word_level_timestamps=word_level_timestamps, cid=cid,
                                       sample_rate=sample_rate)
