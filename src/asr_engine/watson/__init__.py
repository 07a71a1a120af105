"""The IBM Watson Speech to Text interface, offline.

:class:`SpeechToText` mirrors ``ibm_watson.SpeechToTextV1`` method for method
(names and parameters): each method returns what
``DetailedResponse.get_result()`` gives the SDK's users (the service's JSON
body as a dict) and raises :class:`asr_engine.AsrError` with the service's
status code and message. The façade is thin: parameter checking and JSON
shaping; what is stored and recognized is decided by
:mod:`asr_engine.customization` and the engine below it.

May import: ``asr_engine.customization`` and the engine API (``Recognizer``,
``errors``). Nothing imports it but servers and users.
"""
from __future__ import annotations

from .speech_to_text import SpeechToText, customer_id_from_headers

__all__ = ["SpeechToText", "customer_id_from_headers"]
