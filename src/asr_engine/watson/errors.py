"""The service's error body (§1.8): ``{"code", "code_description", "error"}``.

Every failure of the façade is an :class:`asr_engine.AsrError` whose
``code`` is the service's HTTP status and whose message is the service's
text; :func:`error_body` is the JSON a server (or a WebSocket, with only
``error``) sends for it. Unexpected exceptions become a 500 body, so a
server never leaks a traceback.
"""
from __future__ import annotations

from http import HTTPStatus

from ..errors import AsrError


def code_description(code: int) -> str:
    """The HTTP reason phrase of ``code`` (``"Bad Request"`` for 400)."""
    try:
        return HTTPStatus(int(code)).phrase
    except ValueError:
        return "Error"


def error_body(exc: BaseException) -> dict:
    """The HTTP error body for ``exc``."""
    if isinstance(exc, AsrError):
        code, message = int(exc.code), exc.message
    else:
        code, message = 500, f"Internal error: {type(exc).__name__}"
    return {"code": code, "code_description": code_description(code), "error": message}


def websocket_error(exc: BaseException) -> dict:
    """The WebSocket error message for ``exc`` (text frame before close)."""
    return {"error": error_body(exc)["error"]}


__all__ = ["error_body", "websocket_error", "code_description"]
