"""The recognition methods of ``SpeechToTextV1``: ``recognize``,
``recognize_using_websocket``, ``list_models`` / ``get_model`` and the
asynchronous jobs (``create_job``, ``check_jobs``, ``check_job``,
``delete_job``, ``register_callback``, ``unregister_callback``).

A mixin of :class:`~asr_engine.watson.SpeechToText`: it needs the host's
``owner``, ``language_models`` and ``service_url``. Each method only checks
parameters, hands them to :mod:`.recognition`, :mod:`.websocket` or
:mod:`.jobs`, and returns the service's JSON body.
"""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, Mapping, Optional

from ..errors import InvalidArgumentError
from . import job_table  # noqa: F401 - registers the jobs' part of delete_user_data with the store
from .models import get_model_json, list_models_json
from .parameters import recognize_parameters
from .recognition import recognize_json

if TYPE_CHECKING:
    from .jobs import JobManager

def request_labels(params: dict) -> Optional[str]:
    """Pop the SDK's ``headers`` (``X-Watson-Metadata: customer_id=...``) and
    ``customer_id`` from ``params``; the customer id, if any."""
    from .speech_to_text import customer_id_from_headers

    headers = params.pop("headers", None)
    customer_id = params.pop("customer_id", None)
    if customer_id is not None:
        if not isinstance(customer_id, str) or not customer_id or ";" in customer_id or "=" in customer_id:
            raise InvalidArgumentError("customer_id must be a non-empty string without ';' or '='")
        return customer_id
    return customer_id_from_headers(headers)


class RecognitionMethods:
    """``recognize`` and friends (see the module docstring)."""

    owner: str
    service_url: str
    language_models: Any  # CustomLanguageModels
    acoustic_models: Any  # CustomAcousticModels

    @property
    def supported_features(self) -> dict[str, bool]:
        """What the engine does with every base model (``SpeechModel.supported_features``);
        speaker labels come from the engine's diarization."""
        return {"custom_language_model": True,
                "custom_acoustic_model": True,
                "speaker_labels": True}

    # -- models -------------------------------------------------------------------

    def list_models(self, **kwargs: Any) -> dict:
        """``SpeechModels``: the base models, with ``rate``, ``url``,
        ``supported_features`` and ``description``."""
        request_labels(kwargs)
        _no_more(kwargs)
        return list_models_json(self.language_models.base_models, self.service_url, self.supported_features)

    def get_model(self, model_id: str, **kwargs: Any) -> dict:
        """One ``SpeechModel``; 404 ``Model {model_id} not found``."""
        request_labels(kwargs)
        _no_more(kwargs)
        return get_model_json(self.language_models.base_models, model_id, self.service_url,
                              self.supported_features)

    # -- synchronous recognition -------------------------------------------------

    def recognize(self, audio: Any, content_type: Optional[str] = None, **params: Any) -> dict:
        """Transcribe ``audio`` (bytes, a binary file, a path) as ``POST /v1/recognize`` does.

        ``params`` are those of ``SpeechToTextV1.recognize`` with the
        service's defaults, ranges and interactions (:mod:`.parameters`):
        ``model``, ``language_customization_id``, ``acoustic_customization_id``,
        ``base_model_version``, ``customization_weight``, ``grammar_name``,
        ``inactivity_timeout``, ``keywords``, ``keywords_threshold``,
        ``max_alternatives``, ``word_alternatives_threshold``,
        ``word_confidence``, ``timestamps``, ``profanity_filter`` (default
        true), ``smart_formatting``, ``speaker_labels``, ``redaction``,
        ``audio_metrics``, ``end_of_phrase_silence_time``,
        ``split_transcript_at_phrase_end``, ``speech_detector_sensitivity``,
        ``background_audio_suppression``; next-generation parameters
        (``low_latency``, ``character_insertion_bias``, ...) and unknown names
        give the service's ``warnings``. ``headers={"X-Watson-Metadata":
        "customer_id=..."}`` or ``customer_id=`` label the request.

        Returns:
            ``SpeechRecognitionResults`` as a dict (§1.6).

        Raises:
            AsrError: with the service's code and text (§1.8): 400 bad
                parameter or audio, 404 unknown model or customization, 413
                too large, 415 unsupported media type.
        """
        customer_id = request_labels(params)
        checked = recognize_parameters(params, interface="http", customer_id=customer_id)
        return recognize_json(self, audio, content_type, checked)


    def recognize_using_websocket(self, audio: Any, content_type: Optional[str], recognize_callback: Any,
                                  interim_results: bool = False, **params: Any) -> None:
        """Stream ``audio`` as the SDK's WebSocket interface does, in process.

        ``audio`` is the SDK's ``AudioSource``, a ``queue.Queue`` of byte
        chunks (ending with None), a binary file, bytes (sent in 1024-byte
        chunks) or an iterable of chunks. ``recognize_callback`` has the
        SDK's ``RecognizeCallback`` methods (``on_connected``,
        ``on_listening``, ``on_hypothesis``, ``on_transcription``,
        ``on_data``, ``on_error``, ``on_inactivity_timeout``, ``on_close``);
        they are called in this thread, in the service's order. Other
        parameters are those of :meth:`recognize` plus
        ``processing_metrics(_interval)``. Returns when the stream is done.
        """
        from .websocket import run_websocket

        customer_id = request_labels(params)
        params.pop("http_proxy_host", None)
        params.pop("http_proxy_port", None)
        run_websocket(self, audio, content_type, recognize_callback, interim_results, params, customer_id)


    # -- asynchronous jobs -------------------------------------------------------------

    @property
    def jobs(self) -> "JobManager":
        """The :class:`~asr_engine.watson.jobs.JobManager` running this client's
        jobs (the one given to the constructor, else one of its own, started
        on first use with two worker processes)."""
        from .jobs import JobManager

        with _jobs_lock:
            manager = self.__dict__.get("_job_manager")
            if manager is None:
                models = self.language_models.base_models
                from ..customization.base_models import shared_base_models

                specs = None if models is shared_base_models() else [
                    (m.name, m.language, m.rate, m.model_dir, m.dictionary, m.language_model, m.description)
                    for m in models.values()]
                manager = self.__dict__["_job_manager"] = JobManager(self.language_models.store, base_models=specs)
            return manager

    def register_callback(self, callback_url: str, *, user_secret: Optional[str] = None, **kwargs: Any) -> dict:
        """Allowlist ``callback_url`` after the service's check (a ``GET`` with
        ``challenge_string`` that the URL must echo within 5 s); ``RegisterStatus``."""
        customer_id = request_labels(kwargs)
        _no_more(kwargs)
        return self.jobs.callbacks.register(self.owner, callback_url, user_secret, customer_id)

    def unregister_callback(self, callback_url: str, **kwargs: Any) -> None:
        """Remove ``callback_url`` from the allowlist (404 if it is not on it)."""
        _no_more(kwargs)
        self.jobs.callbacks.unregister(self.owner, callback_url)

    def create_job(self, audio: Any, content_type: Optional[str] = None, *, callback_url: Optional[str] = None,
                   events: Optional[str] = None, user_token: Optional[str] = None,
                   results_ttl: Optional[int] = None, **params: Any) -> dict:
        """Queue an asynchronous recognition (``POST /v1/recognitions``);
        ``RecognitionJob`` with status ``waiting``.

        ``params`` are those of :meth:`recognize` (plus
        ``processing_metrics(_interval)``), checked now: a bad value is a 400
        here, not a failed job. ``callback_url`` must be registered;
        ``events`` (default started, completed, failed) and ``user_token``
        need it; ``results_ttl`` is in minutes (default one week).
        """
        from .jobs import MAX_JOB_AUDIO_BYTES
        from .recognition import MIN_AUDIO_BYTES
        from ..customization.base_models import lookup
        from ..errors import AudioError

        customer_id = request_labels(params)
        checked = recognize_parameters(params, interface="async", customer_id=customer_id)
        lookup(self.language_models.base_models, checked.model)
        if checked.language_customization_id is not None:
            self.language_models.get_language_model(self.owner, checked.language_customization_id)
        if checked.acoustic_customization_id is not None:
            self.acoustic_models.get_acoustic_model(self.owner, checked.acoustic_customization_id)
        data = _audio_bytes(audio, MAX_JOB_AUDIO_BYTES)
        if len(data) < MIN_AUDIO_BYTES:
            raise AudioError(f"Stream was {len(data)} bytes but needs to be at least {MIN_AUDIO_BYTES} bytes.")
        run = {k: v for k, v in params.items() if k not in ("processing_metrics", "processing_metrics_interval")}
        return self.jobs.create(self.owner, data, content_type, run, callback_url=callback_url, events=events,
                                user_token=user_token, results_ttl=results_ttl, customer_id=customer_id,
                                warnings=checked.warnings, service_url=self.service_url)

    def check_jobs(self, **kwargs: Any) -> dict:
        """``RecognitionJobs``: this client's newest 100 jobs."""
        _no_more(kwargs)
        return self.jobs.list(self.owner)

    def check_job(self, id: str, **kwargs: Any) -> dict:  # noqa: A002 (the SDK's name)
        """One ``RecognitionJob``, with ``results`` once ``completed``; 404
        ``The specified job ID was not found.``"""
        _no_more(kwargs)
        return self.jobs.get(self.owner, id, self.service_url)

    def delete_job(self, id: str, **kwargs: Any) -> None:  # noqa: A002 (the SDK's name)
        """Delete a job and its results (409 while it is being processed)."""
        _no_more(kwargs)
        self.jobs.delete(self.owner, id)

    def _purge_jobs(self, customer_id: str) -> None:
        """``delete_user_data``'s part here: jobs and callbacks labelled
        ``customer_id`` (the store's purger of :mod:`.job_table` has removed
        them in the same transaction as the custom models' data)."""


_jobs_lock = threading.Lock()


def _audio_bytes(audio: Any, max_bytes: int) -> bytes:
    """The bytes of a job's audio (bytes, a binary file or a path)."""
    from ..errors import PayloadTooLargeError
    from ..limits import read_file

    if isinstance(audio, (bytes, bytearray, memoryview)):
        data = bytes(audio)
    elif hasattr(audio, "read"):
        data = audio.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise InvalidArgumentError("the audio file must be opened in binary mode")
    elif isinstance(audio, (str, os.PathLike)):
        data = read_file(audio, "audio file", max_bytes)
    else:
        raise InvalidArgumentError(f"audio must be bytes, a binary file or a path, not {type(audio).__name__}")
    if len(data) > max_bytes:
        raise PayloadTooLargeError("Request failed because the input stream is larger than 1 GB")
    return data


def _no_more(kwargs: Mapping[str, Any]) -> None:
    from .speech_to_text import _options

    _options(dict(kwargs))


__all__ = ["RecognitionMethods", "request_labels"]
