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

from typing import Any, Mapping, Optional

from ..errors import InvalidArgumentError
from .models import get_model_json, list_models_json
from .parameters import recognize_parameters
from .recognition import recognize_json

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

    @property
    def supported_features(self) -> dict[str, bool]:
        """What the engine does with every base model (``SpeechModel.supported_features``)."""
        return {"custom_language_model": True,
                "custom_acoustic_model": getattr(self, "acoustic_models", None) is not None,
                "speaker_labels": False}

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
        return recognize_json(self.language_models, self.owner, audio, content_type, checked)


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


def _no_more(kwargs: Mapping[str, Any]) -> None:
    from .speech_to_text import _options

    _options(dict(kwargs))


__all__ = ["RecognitionMethods", "request_labels"]
