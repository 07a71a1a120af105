"""XML 1.0 (5th edition) name characters, which define SRGS tokens
(``Nmtoken``) and rule names (``Name`` minus ``.``, ``:`` and ``-``)."""
from __future__ import annotations

__all__ = ["is_name_start_char", "is_name_char", "is_nmtoken", "is_rule_name"]

_START_RANGES = (
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2FF), (0x370, 0x37D), (0x37F, 0x1FFF),
    (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF),
    (0xF900, 0xFDCF), (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF),
)
_EXTRA_RANGES = ((0x300, 0x36F), (0x203F, 0x2040))


def is_name_start_char(c: str) -> bool:
    if c.isascii():
        return c.isalpha() or c in "_:"
    o = ord(c)
    return any(lo <= o <= hi for lo, hi in _START_RANGES)


def is_name_char(c: str) -> bool:
    if c.isascii():
        return c.isalnum() or c in "_:.-"
    if is_name_start_char(c):
        return True
    o = ord(c)
    return o == 0xB7 or any(lo <= o <= hi for lo, hi in _EXTRA_RANGES)


def is_nmtoken(s: str) -> bool:
    return bool(s) and all(is_name_char(c) for c in s)


def is_rule_name(s: str) -> bool:
    """SRGS ConstrainedName: an XML Name without '.', ':' or '-'."""
    return (
        bool(s)
        and is_name_start_char(s[0])
        and s[0] != ":"
        and all(is_name_char(c) and c not in ".:-" for c in s)
    )
