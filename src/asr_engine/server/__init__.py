"""The services over the wire: an ASGI application serving the Watson and
Azure interfaces of :mod:`asr_engine.watson` and :mod:`asr_engine.azure`.

``create_app(config)`` builds one Starlette application; ``asr-engine serve``
runs it under uvicorn. The routes are thin: they authenticate the caller,
turn the request into the façade's arguments, run it, and shape the answer
as the service does (status codes, error bodies, headers). What is
recognized is decided below, in the engine.

Layering: this package is the top of the stack. It imports the façades,
:mod:`asr_engine.customization` and :mod:`asr_engine.errors`; nothing in the
library imports it. Its third-party dependencies (Starlette, uvicorn) are the
``server`` extra, so the library installs without them.
"""
from __future__ import annotations

from .config import ApiKeys, ServerConfig

__all__ = ["ApiKeys", "ServerConfig", "create_app"]


def create_app(config: "ServerConfig | None" = None):  # noqa: ANN201 - a Starlette app
    """The ASGI application for ``config`` (default: :class:`ServerConfig`())."""
    from .app import create_app as _create

    return _create(config)
