"""Checked option fields and keyword arguments.

Option objects (:class:`~asr_engine.SearchOptions`,
:class:`~asr_engine.AlignOptions`, ...) declare each field with
:func:`option`, which records its type, its range and a one-line meaning;
:func:`check_fields` (called from ``__post_init__``) refuses a wrong type
or an out-of-range value when the object is built, with an
:class:`~asr_engine.errors.InvalidArgumentError` naming the field and its
range, so a bad value never reaches the native core. :func:`check_keywords`
gives calls that take ``**kwargs`` one "unknown argument" message.

This module sits beside ``errors`` at the bottom of the package and imports
nothing else from it.
"""
from __future__ import annotations

import functools
import inspect
import math
import numbers
from dataclasses import field, fields
from typing import Any, Callable, Iterable, Optional, TypeVar, cast

from .errors import InvalidArgumentError

__all__ = ["option", "check_fields", "check_instance", "check_path", "check_types", "check_value", "check_keywords", "checked_arguments", "checked_init", "describe_value",
           "with_field_docs", "field_names"]


def option(default: Any, doc: str, *, low: Optional[float] = None, high: Optional[float] = None,
           low_open: bool = False, kind: type = float) -> Any:
    """A dataclass field with a type (``float``, ``int`` or ``bool``), an
    optional range ``[low, high]`` (``(low, high]`` with ``low_open``) and a
    one-line meaning, used by :func:`check_fields` and in help texts."""
    return field(default=default, metadata={"kind": kind, "low": low, "high": high, "low_open": low_open, "doc": doc})


def _range_text(meta: dict) -> str:
    low, high, kind = meta["low"], meta["high"], meta["kind"]
    if kind is bool:
        return "True or False"
    noun = "an integer" if kind is int else "a number"
    if low is None and high is None:
        return f"{noun} (finite)"
    left = "(" if meta["low_open"] else "["
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{noun} in {left}{lo}, {hi}{']' if high is not None else ')'}"


def describe_value(value: object) -> str:
    """A short description of a value for error messages: its repr, cut, and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_value(owner: str, name: str, value: object, meta: dict) -> object:
    """``value`` if it fits the field described by ``meta``, else raise.

    Integral values are accepted for float fields and returned as ``float``;
    numpy scalars are unwrapped; ``bool`` is never taken for a number.
    """
    kind = meta["kind"]
    bad = InvalidArgumentError(f"{owner}.{name} must be {_range_text(meta)}, got {describe_value(value)}")
    if kind is bool:
        if isinstance(value, bool):
            return value
        if type(value).__name__ == "bool_":  # numpy.bool_
            return bool(value)
        raise bad
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise bad
    if kind is int:
        if not isinstance(value, numbers.Integral):
            raise bad
        value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise bad
    low, high = meta["low"], meta["high"]
    if low is not None and (value < low or (meta["low_open"] and value == low)):
        raise bad
    if high is not None and value > high:
        raise bad
    return value


def check_fields(obj: object) -> None:
    """Validate (and normalise) every :func:`option` field of a dataclass instance."""
    owner = type(obj).__name__
    for f in fields(obj):  # type: ignore[arg-type]
        if "kind" not in f.metadata:
            continue
        value = check_value(owner, f.name, getattr(obj, f.name), dict(f.metadata))
        object.__setattr__(obj, f.name, value)  # frozen dataclasses too


def field_docs(cls: type) -> str:
    """An "Attributes:" block for a docstring from the fields' meanings and ranges."""
    lines = ["Attributes:"]
    for f in fields(cls):  # type: ignore[arg-type]
        if "doc" in f.metadata:
            lines.append(f"    {f.name}: {f.metadata['doc']} ({_range_text(dict(f.metadata))}; default {f.default!r})")
    return "\n".join(lines)


T = TypeVar("T", bound=type)
F = TypeVar("F", bound=Callable[..., Any])


def with_field_docs(cls: T) -> T:
    """Class decorator for option dataclasses: append :func:`field_docs` to
    the class docstring, so ``help()`` shows every field with its meaning,
    range and default, and check the constructor's arguments
    (:func:`checked_arguments`)."""
    cls.__doc__ = (cls.__doc__ or "").rstrip() + "\n\n" + field_docs(cls) + "\n"
    cls.__init__ = checked_arguments(cls.__init__, name=cls.__name__)  # type: ignore[misc]
    return cls


def checked_init(cls: T) -> T:
    """Class decorator: :func:`checked_arguments` on the constructor."""
    cls.__init__ = checked_arguments(cls.__init__, name=cls.__name__)  # type: ignore[misc]
    return cls


def checked_arguments(fn: F, *, name: Optional[str] = None) -> F:
    """Decorator: a call whose arguments do not fit ``fn``'s signature (an
    unknown keyword, a missing or extra argument) raises
    InvalidArgumentError naming the call and what it accepts, instead of
    Python's TypeError."""
    sig = inspect.signature(fn)
    call = f"{name or fn.__qualname__}()"
    accepted = [p.name for p in sig.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            sig.bind(*args, **kwargs)
        except TypeError as e:
            unknown = [k for k in kwargs if k not in sig.parameters]
            if unknown:
                check_keywords(call, unknown, accepted)
            raise InvalidArgumentError(f"{call}: {e}; it takes {', '.join(accepted)}") from None
        return fn(*args, **kwargs)

    return cast(F, wrapper)


def check_keywords(call: str, given: Iterable[str], accepted: Iterable[str]) -> None:
    """Raise "unknown argument" for names in ``given`` not in ``accepted``."""
    allowed = set(accepted)
    unknown = sorted(set(given) - allowed)
    if unknown:
        import difflib

        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(allowed), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise InvalidArgumentError(f"unknown argument{'s' if len(unknown) > 1 else ''} for {call}: "
                                   f"{', '.join(hints)}; accepted: {', '.join(sorted(allowed))}")


def check_instance(value: object, cls: Any, what: str, *, optional: bool = True) -> None:
    """Raise InvalidArgumentError unless ``value`` is a ``cls`` (or None when ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, cls):
        names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise InvalidArgumentError(f"{what} must be {names}{' or None' if optional else ''}, "
                                   f"got {describe_value(value)}")


def check_path(value: object, what: str) -> str:
    """``value`` (a ``str`` or ``os.PathLike``) as a ``str`` path the native core can take."""
    import os

    if not isinstance(value, (str, os.PathLike)):
        raise InvalidArgumentError(f"{what} must be a path, got {describe_value(value)}")
    path = os.fspath(value)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if "\0" in path:
        raise InvalidArgumentError(f"{what} contains a NUL character")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{what} is not valid UTF-8: {path!r}") from None
    return path


_SIMPLE = {"int": int, "float": float, "bool": bool, "str": str}


def check_types(obj: object) -> None:
    """Check a dataclass's fields against their simple annotations (``int``,
    ``float``, ``bool``, ``str``, optionally ``Optional``); floats must be
    finite. Ranges are left to the component's own validation."""
    owner = type(obj).__name__
    for f in fields(obj):  # type: ignore[arg-type]
        hint = f.type.__name__ if isinstance(f.type, type) else str(f.type).replace(" ", "").replace("typing.", "")
        optional = hint.startswith("Optional[") or hint.endswith("|None")
        base = hint.removeprefix("Optional[").removesuffix("]") if hint.startswith("Optional[") else \
            hint.removesuffix("|None")
        if base not in _SIMPLE:
            continue
        value = getattr(obj, f.name)
        if value is None and optional:
            continue
        kind = _SIMPLE[base]
        if kind is str:
            if not isinstance(value, str):
                raise InvalidArgumentError(f"{owner}.{f.name} must be a string, got {describe_value(value)}")
            continue
        meta = {"kind": kind, "low": None, "high": None, "low_open": False}
        object.__setattr__(obj, f.name, check_value(owner, f.name, value, meta))


def field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]  # type: ignore[arg-type]

