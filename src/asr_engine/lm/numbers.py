"""Numbers spoken as English words, as a speech recognizer outputs them.

``cardinal(512) == "five hundred twelve"``, ``ordinal(21) == "twenty first"``,
``decimal("0.15") == "zero point fifteen"`` (the fractional part read as a
number, as the IBM service normalizes corpora; leading zeros digit by digit:
``"0.05" -> "zero point zero five"``). No "and", no hyphens: the words are
the dictionary's.
"""
from __future__ import annotations

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}


def _below_thousand(n: int) -> list[str]:
    out = []
    if n >= 100:
        out += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        out.append(_TENS[n // 10])
        n %= 10
        if n:
            out.append(_ONES[n])
    elif n or not out:
        out.append(_ONES[n])
    return out


def cardinal(n: int) -> str:
    """``n`` (0 <= n < 10**15) in words."""
    if not 0 <= n < 10**15:
        return " ".join(_ONES[int(d)] for d in str(abs(n)))  # too long to read as a number
    if n < 1000:
        return " ".join(_below_thousand(n))
    out: list[str] = []
    for value, name in _SCALES:
        if n >= value:
            out += _below_thousand(n // value) + [name]
            n %= value
    if n:
        out += _below_thousand(n)
    return " ".join(out)


def ordinal(n: int) -> str:
    """``n`` as an ordinal: ``first``, ``twenty second``, ``one hundredth``."""
    words = cardinal(n).split()
    last = words[-1]
    if last in _ORDINAL:
        words[-1] = _ORDINAL[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def digits(text: str) -> str:
    """Each digit of ``text`` as a word: ``"05" -> "zero five"``."""
    return " ".join(_ONES[int(d)] for d in text if d.isdigit())


def decimal(text: str) -> str:
    """A number written with digits (``"1,000"``, ``"3.5"``, ``"0.15"``) in words."""
    text = text.replace(",", "")
    whole, _, frac = text.partition(".")
    out = cardinal(int(whole)) if whole else "zero"
    if frac:
        out += " point " + (digits(frac) if frac.startswith("0") or len(frac) > 15 else cardinal(int(frac)))
    return out
