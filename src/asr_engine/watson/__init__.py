"""The IBM Watson Speech to Text interface, offline.

:class:`SpeechToText` mirrors ``ibm_watson.SpeechToTextV1`` method for method
(names and parameters): each method returns what
``DetailedResponse.get_result()`` gives the SDK's users (the service's JSON
body as a dict) and raises :class:`asr_engine.AsrError` with the service's
status code and message. The façade is thin: parameter checking and JSON
shaping; what is stored and recognized is decided by
:mod:`asr_engine.customization` and the engine below it.

Modules: ``parameters`` (the §1.2 table: defaults, ranges, interactions,
warnings), ``recognition`` (models and customizations resolved, the audio
rules), ``result_json`` (§1.6), ``models`` (§1.10), ``errors`` (§1.8 bodies),
``websocket`` (the WebSocket protocol as a state machine a server can drive,
and ``recognize_using_websocket`` with the SDK's callbacks), ``jobs`` (the
asynchronous ``/v1/recognitions`` on a local worker pool, with HTTP callbacks).

May import: ``asr_engine.customization``, ``asr_engine.formatting`` and the
engine API (``Recognizer``, ``audio``, ``errors``). Nothing imports it but
servers and users.
"""
from __future__ import annotations

from .errors import error_body
from .parameters import RecognizeParameters, recognize_parameters
from .speech_to_text import SpeechToText, customer_id_from_headers

__all__ = ["SpeechToText", "customer_id_from_headers", "error_body", "RecognizeParameters", "recognize_parameters"]
