"""Spoken punctuation: "comma", "period", "question mark", "exclamation point".

IBM's smart formatting (en-US) writes these keywords as symbols "only in
appropriate positions" (``the warranty period is short period`` becomes
``the warranty period is short.``).  Which positions is not documented; the
rule here: never at the start of a text, never after a word that makes the
keyword a noun (``the``, ``a``, ``warranty``... any determiner or
preposition), and "period" only where a sentence can end: at the end of the
text or before another punctuation keyword.
"""
from __future__ import annotations

# (symbol, spoken words)
MARKS = (
    (",", ("comma",)),
    (".", ("period",)),
    (".", ("full", "stop")),
    ("?", ("question", "mark")),
    ("!", ("exclamation", "point")),
    ("!", ("exclamation", "mark")),
)

# After these a keyword is a noun ("a comma", "the period", "this question mark").
_NOUN_CONTEXT = frozenset(
    "a an the this that these those my your his her its our their each every no "
    "any some of in for to at on with by from about per what which warranty "
    "trial grace time waiting".split()
)


def find_spoken_punctuation(lower: list[str]) -> list[tuple[int, tuple[str, tuple[str, ...]]]]:
    """``(start, (symbol, words))`` for each keyword to write as a symbol."""
    found = []
    i, n = 0, len(lower)
    while i < n:
        mark = next((m for m in MARKS if tuple(lower[i:i + len(m[1])]) == m[1]), None)
        if mark is None:
            i += 1
            continue
        end = i + len(mark[1])
        ok = i > 0 and lower[i - 1] not in _NOUN_CONTEXT and not _is_mark_at(lower, i - 1)
        if ok and mark[1] == ("period",):
            ok = end == n or _is_mark_at(lower, end)
        if ok:
            found.append((i, mark))
            i = end
        else:
            i += 1
    return found


def _is_mark_at(lower: list[str], i: int) -> bool:
    return any(tuple(lower[i:i + len(m[1])]) == m[1] for m in MARKS) if i >= 0 else False
