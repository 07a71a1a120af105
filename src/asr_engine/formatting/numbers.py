"""Spoken English numbers: cardinals, ordinals and digit series as words.

The grammar (``grammar.py``) recognises numbers inside their classes; these
small readers serve the conventions that render a class differently from
NeMo (IBM's ``10/6/1970``, Azure's ``5 pencils``) and the digit series IBM
reads in phone numbers and codes (``nine one four ... one thousand``).
All functions take lower-case words and never raise on unknown words: they
report how far they could read.
"""
from __future__ import annotations

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "quadrillion": 10**15, "quintillion": 10**18, "sextillion": 10**21,
}
# Words read as one digit in a digit series ("oh" and "o" are zero there).
DIGITS = {**{w: v for w, v in UNITS.items() if v < 10}, "oh": 0, "o": 0}

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}

NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | frozenset(SCALES) | {"hundred"}


def _below_thousand(words: list[str], i: int) -> tuple[int | None, int]:
    """Read ``[units|teens] [hundred] [and] [tens] [units]`` from ``words[i:]``."""
    value, j = None, i
    n = len(words)
    if j < n and words[j] in UNITS:
        value = UNITS[words[j]]
        j += 1
        if j < n and words[j] == "hundred" and value > 0:
            value *= 100
            j += 1
            k = j + 1 if j < n and words[j] == "and" else j
            rest, k2 = _below_hundred(words, k)
            if rest is not None:
                value, j = value + rest, k2
        return value, j
    return _below_hundred(words, i)


def _below_hundred(words: list[str], i: int) -> tuple[int | None, int]:
    n = len(words)
    if i < n and words[i] in TENS:
        value = TENS[words[i]]
        if i + 1 < n and words[i + 1] in UNITS and 0 < UNITS[words[i + 1]] < 10:
            return value + UNITS[words[i + 1]], i + 2
        return value, i + 1
    if i < n and words[i] in UNITS:
        return UNITS[words[i]], i + 1
    return None, i


def read_cardinal(words: list[str], i: int = 0) -> tuple[int | None, int]:
    """The longest cardinal at ``words[i:]``: ``(value, end)`` or ``(None, i)``.

    Follows the usual spoken grammar: groups below a thousand, each followed
    by a decreasing scale word (``two million three thousand and five``).
    """
    total, j = 0, i
    last_scale = None
    read_any = False
    while True:
        group, k = _below_thousand(words, j)
        if group is None:
            break
        if k < len(words) and words[k] in SCALES:
            scale = SCALES[words[k]]
            if last_scale is not None and scale >= last_scale:
                break
            total += group * scale
            last_scale = scale
            j = k + 1
            read_any = True
            if j < len(words) and words[j] == "and" and j + 1 < len(words) and words[j + 1] in NUMBER_WORDS:
                j += 1
            continue
        if last_scale is not None and group >= last_scale:
            break
        total += group
        j = k
        read_any = True
        break
    if not read_any:
        return None, i
    return total, j


def cardinal_value(words: list[str]) -> int | None:
    """The value of ``words`` when they are exactly one cardinal, else None."""
    value, end = read_cardinal(words)
    return value if end == len(words) and words else None


def ordinal_value(words: list[str]) -> int | None:
    """The value of an ordinal (``twenty first``, ``ninth``), else None."""
    if not words:
        return None
    last = words[-1]
    if last in ORDINALS:
        base = ORDINALS[last]
        if len(words) == 1:
            return base
        head = cardinal_value(words[:-1])
        if head is None:
            return None
        # "twenty first", "one hundred eleventh": the ordinal fills the
        # places the cardinal left empty.
        if (base < 10 and head % 10 == 0) or head % 100 == 0:
            return head + base
        return None
    return None


def read_digit_series(words: list[str], i: int) -> tuple[str, int]:
    """Digits spoken one group at a time, as in phone numbers and codes.

    Each group is a digit word (``oh`` is 0), ``double``/``triple`` and a digit,
    a two-digit number (``twenty six``, ``ten``), or ``N hundred`` / ``N
    thousand``.  Returns the digit string and the end index.
    """
    out: list[str] = []
    j, n = i, len(words)
    while j < n:
        w = words[j]
        if w in ("double", "triple") and j + 1 < n and words[j + 1] in DIGITS:
            out.append(str(DIGITS[words[j + 1]]) * (2 if w == "double" else 3))
            j += 2
        elif w in DIGITS:
            if j + 1 < n and words[j + 1] in ("hundred", "thousand") and DIGITS[w] > 0:
                out.append(str(DIGITS[w]) + ("00" if words[j + 1] == "hundred" else "000"))
                j += 2
            else:
                out.append(str(DIGITS[w]))
                j += 1
        elif w in TENS or (w in UNITS and UNITS[w] >= 10):
            value, k = _below_hundred(words, j)
            out.append(str(value))
            j = k
        else:
            break
    return "".join(out), j
