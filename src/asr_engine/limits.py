"""Resource limits: every bound the engine puts on one input, in one place.

A server built on this library answers many requests from one process, so
no single request may take it down or stall it: each input is bounded
before anything is allocated or expanded. The defaults are safe for a
server and generous for real speech; each is an option where it applies
(the name of that option is given below), so a caller can raise it
knowingly. Exceeding a byte or duration limit is a 413
(:class:`~asr_engine.errors.PayloadTooLargeError`); a bad parameter or a
grammar over its budget is a 400.

This module imports nothing from the package but ``errors``, so every layer
may use it. :func:`read_file` is the one way a path given by a user is read:
it refuses directories, devices, FIFOs and ``/proc`` files (whose size says
nothing about what a read returns) and never reads past its cap.
"""
from __future__ import annotations

import math
import os
import stat
from typing import Optional, Union

from .errors import InvalidArgumentError, NotFoundError, PayloadTooLargeError
from .validation import check_path

# -- audio (load_audio options: max_bytes, max_duration) ------------------------

#: Encoded audio bytes one call reads (``max_bytes``); the services' cap.
MAX_AUDIO_BYTES = 100 * 1024 * 1024
#: Channels of an input file or array (down-mixed to one).
MAX_CHANNELS = 64
#: Sample rates accepted, in Hz, for input and resampling targets.
MIN_SAMPLE_RATE = 1000
MAX_SAMPLE_RATE = 384000

# -- grammars (GrammarOptions fields of the same names) -------------------------

#: Largest grammar document read (``max_source_bytes``).
MAX_GRAMMAR_BYTES = 1_000_000
#: Tokens (white-space separated pieces) one grammar document may hold,
#: checked before parsing (``max_tokens``): the parsers run at ~50k tokens/s.
MAX_GRAMMAR_TOKENS = 50_000
#: States of the expanded automaton, estimated from the rules before
#: expanding, and of every later automaton (``max_states``).
MAX_GRAMMAR_STATES = 200_000
#: Arcs of any intermediate automaton (``max_arcs``).
MAX_GRAMMAR_ARCS = 2_000_000
#: Units of compile work (closure members, arc contributions; ``max_work``):
#: a deterministic budget that ends a compile in about a second.
MAX_GRAMMAR_WORK = 5_000_000
#: Wall-clock backstop for one compile, in seconds (``max_seconds``).
MAX_GRAMMAR_SECONDS = 10.0

# -- model files (language models, dictionaries, acoustic model files) ----------

#: Largest model file read into memory (ARPA text, dictionaries, Sphinx
#: parameter files); memory-mapped binaries are bounded by their header.
MAX_MODEL_FILE_BYTES = 2 * 1024**3
#: Most n-grams one order of a language model may declare (the binary
#: format's 32-bit record indices); each is also checked against the bytes
#: the file has left, before anything is allocated.
MAX_NGRAMS_PER_ORDER = 0xFFFFFFF0

PathLike = Union[str, "os.PathLike[str]"]


def read_file(path: PathLike, what: str, max_bytes: Optional[int] = MAX_MODEL_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them.

    Args:
        path: the file.
        what: what the file is, for messages ("audio file", "grammar").
        max_bytes: cap; None for none (only for trusted paths).

    Raises:
        NotFoundError: no such file (404).
        InvalidArgumentError: a directory, device, FIFO, socket or other
            file that is not a regular file (400).
        PayloadTooLargeError: larger than ``max_bytes`` (413).
    """
    path = check_regular_file(path, what)
    with open(path, "rb") as f:
        # fstat again on the open file: the path may have been swapped.
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise InvalidArgumentError(f"{what} {path} is not a regular file")
        # In chunks: read(n) reserves n bytes up front, whatever the file holds.
        data = bytearray()
        while chunk := f.read(1 << 20):
            data += chunk
            if max_bytes is not None and len(data) > max_bytes:
                raise PayloadTooLargeError(f"{what} {path} is larger than the limit of {max_bytes} bytes")
    return bytes(data)


def check_regular_file(path: PathLike, what: str) -> str:
    """``path`` as a string if it names a regular file (following links).

    Raises NotFoundError or InvalidArgumentError as :func:`read_file` does.
    """
    path = check_path(path, f"{what} path")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise NotFoundError(f"{what} not found: {path}") from None
    except NotADirectoryError:
        raise NotFoundError(f"{what} not found: {path}") from None
    except OSError as e:
        raise InvalidArgumentError(f"cannot read {what} {path}: {e.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InvalidArgumentError(f"{what} {path} is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidArgumentError(f"{what} {path} is not a regular file (a device, FIFO or socket cannot be read)")
    return path


def check_int(value, name: str, low: int, high: Optional[int] = None, *, allow_none: bool = False) -> Optional[int]:
    """``value`` as an int in [low, high]; InvalidArgumentError (400) otherwise.

    Accepts Python and numpy integers and integral floats; refuses bools,
    strings, NaN, infinities and lists, with a message naming ``name``.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not _is_number(value):
        raise InvalidArgumentError(f"{name} must be an integer, not {value!r:.60}")
    if isinstance(value, float) or not hasattr(value, "__index__"):
        v = float(value)
        if not math.isfinite(v) or v != int(v):
            raise InvalidArgumentError(f"{name} must be an integer, not {value!r:.60}")
        value = int(v)
    value = int(value)
    if value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InvalidArgumentError(f"{name} must be {span}, not {value}")
    return value


def check_float(value, name: str, low: float, high: float = math.inf, *, low_open: bool = False,
                allow_none: bool = False) -> Optional[float]:
    """``value`` as a finite float in [low, high] (or (low, high]); else a 400."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not _is_number(value):
        raise InvalidArgumentError(f"{name} must be a number, not {value!r:.60}")
    v = float(value)
    if not math.isfinite(v) or v < low or v > high or (low_open and v == low):
        lo = "above" if low_open else "at least"
        span = f"{lo} {low:g}" + (f" and at most {high:g}" if math.isfinite(high) else "")
        raise InvalidArgumentError(f"{name} must be a finite number {span}, not {value!r:.60}")
    return v


def _is_number(value) -> bool:
    import numbers

    return isinstance(value, numbers.Real)


__all__ = [
    "MAX_AUDIO_BYTES", "MAX_CHANNELS", "MIN_SAMPLE_RATE", "MAX_SAMPLE_RATE",
    "MAX_GRAMMAR_BYTES", "MAX_GRAMMAR_TOKENS", "MAX_GRAMMAR_STATES", "MAX_GRAMMAR_ARCS", "MAX_GRAMMAR_WORK",
    "MAX_GRAMMAR_SECONDS", "MAX_MODEL_FILE_BYTES", "MAX_NGRAMS_PER_ORDER",
    "read_file", "check_regular_file", "check_int", "check_float",
]
