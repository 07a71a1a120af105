"""Query-string parameters to the façades' typed keyword arguments.

HTTP carries every parameter as text; the façades take the SDK's Python
types. The conversion is read from the façade method's own signature, so a
parameter added to a façade is served without a change here.
"""
from __future__ import annotations

import inspect
import math
import typing
from typing import Any, Callable, Iterable, Mapping

from ..errors import InvalidArgumentError


def _kind(annotation: Any) -> str:
    """'bool', 'int', 'float', 'list' or 'str' for an annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or str(origin) == "types.UnionType":
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(args[0]) if len(args) == 1 else "str"
    if origin in (list, tuple, typing.List, typing.Sequence) or annotation in (list, tuple):
        return "list"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "str"


def parameter_kinds(fn: Callable) -> dict[str, str]:
    """Keyword parameters of ``fn`` with the kind each is parsed as."""
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # unresolvable forward references: read them as text
        hints = {}
    kinds = {}
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        kinds[name] = _kind(hints.get(name, p.annotation))
    return kinds


def convert(name: str, text: str, kind: str) -> Any:
    if kind == "bool":
        low = text.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        raise InvalidArgumentError(f"The value '{text}' of parameter '{name}' is not a boolean (true or false).")
    if kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise InvalidArgumentError(f"The value '{text}' of parameter '{name}' is not an integer.") from None
    if kind == "float":
        try:
            value = float(text.strip())
        except ValueError:
            raise InvalidArgumentError(f"The value '{text}' of parameter '{name}' is not a number.") from None
        if not math.isfinite(value):
            raise InvalidArgumentError(f"The value '{text}' of parameter '{name}' is not a finite number.")
        return value
    if kind == "list":
        return [part for part in (p.strip() for p in text.split(",")) if part]
    return text


def query_arguments(fn: Callable, query: Iterable[tuple[str, str]], *, exclude: Iterable[str] = ()
                    ) -> tuple[dict[str, Any], list[str]]:
    """(keyword arguments for ``fn``, names ``fn`` does not take).

    A parameter given twice is a 400, as the service refuses ambiguity.
    """
    kinds = parameter_kinds(fn)
    skip = set(exclude)
    out: dict[str, Any] = {}
    unknown: list[str] = []
    for name, text in query:
        if name in skip:
            continue
        if name not in kinds:
            unknown.append(name)
            continue
        if name in out:
            raise InvalidArgumentError(f"Parameter '{name}' is given more than once.")
        out[name] = convert(name, text, kinds[name])
    return out, unknown


def json_arguments(fn: Callable, body: Mapping[str, Any], *, allowed: Iterable[str]) -> dict[str, Any]:
    """The fields of a JSON body that ``fn`` takes (others are refused)."""
    allowed = set(allowed)
    extra = sorted(set(body) - allowed)
    if extra:
        raise InvalidArgumentError(f"Unknown fields in the JSON body: {', '.join(extra)}.")
    return {k: v for k, v in body.items()}
