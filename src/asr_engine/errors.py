"""Exceptions raised by asr_engine.

Every error carries an HTTP-like status ``code`` so that a server wrapping the
library can answer ``{"error": message, "code": code}`` exactly as the cloud
services do, without mapping exception types itself.
"""
from __future__ import annotations

from typing import Optional, TypeVar


class AsrError(Exception):
    """Base class of all asr_engine errors.

    Attributes:
        message: A sentence a person can act on.
        code: HTTP-like status (400 bad input, 404 not found, 409 conflict,
            413 too large, 415 unsupported media type, 500 internal).
    """

    default_code = 500

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code

    def to_dict(self) -> dict:
        """The error as the services' JSON error body."""
        return {"error": self.message, "code": self.code}


class InvalidArgumentError(AsrError, ValueError):
    """A parameter or option has a value the engine cannot use."""

    default_code = 400


class FormatError(AsrError, ValueError):
    """A model, LM, dictionary or grammar file is malformed."""

    default_code = 400


class AudioError(AsrError, ValueError):
    """Audio data is malformed, truncated, empty or outside the limits."""

    default_code = 400


class UnsupportedMediaTypeError(AudioError):
    """The content type or container is one the engine cannot decode."""

    default_code = 415


class NotFoundError(AsrError, LookupError):
    """A named model, file, word or customization does not exist."""

    default_code = 404


class ConflictError(AsrError):
    """The resource is busy (e.g. a custom model that is training)."""

    default_code = 409


class PayloadTooLargeError(AsrError):
    """The input exceeds a configured size or duration limit."""

    default_code = 413


class SpeechTimeoutError(AsrError):
    """A stream heard no speech for too long.

    Attributes:
        status: ``InactivityTimeout`` (the services' ``inactivity_timeout``:
            the message is their exact ``No speech detected for {n}s``),
            ``InitialSilenceTimeout`` or ``BabbleTimeout`` (Azure's statuses
            for a start of only silence, or only noise).
        waited: seconds of audio without speech.
    """

    default_code = 400

    def __init__(self, message: str, code: int | None = None, *, status: str = "InactivityTimeout",
                 waited: float = 0.0) -> None:
        super().__init__(message, code)
        self.status = status
        self.waited = waited


_E = TypeVar("_E", bound=BaseException)


def detached(exc: _E) -> _E:
    """``exc`` without its traceback, nor those of the errors it chains
    (``__cause__``, ``__context__``), for an error that is kept after the
    ``except`` block (stored on an object, handed on later).

    A traceback holds every frame it passed through and their locals: an
    error stored on the object whose method raised it is a reference cycle
    (object -> error -> traceback -> frame -> ``self``) that keeps the
    object, its decoder and its buffers alive until the cyclic collector's
    next full pass rather than until the last reference goes."""
    seen: set[int] = set()
    todo: list[Optional[BaseException]] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        e.__traceback__ = None
        todo += [e.__cause__, e.__context__]
    return exc


__all__ = [
    "AsrError",
    "InvalidArgumentError",
    "FormatError",
    "AudioError",
    "UnsupportedMediaTypeError",
    "NotFoundError",
    "ConflictError",
    "PayloadTooLargeError",
    "SpeechTimeoutError",
]
