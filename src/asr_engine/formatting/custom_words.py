"""``display_as`` of custom words: how a recognized word is spelled in text.

IBM: a custom word's ``display_as`` replaces the word in transcripts (``IBM``
for ``i b m``-like words, ``IBM&trade;`` for ``ibm``); "smart formatting can
pre-empt it": a word that smart formatting rewrites (``one`` -> ``1``) is
written as smart formatting says, and ``display_as`` applies only to words it
leaves alone.  The lookup is by the recognized word, case-insensitively.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from ..errors import InvalidArgumentError
from .itn import Span


def check_display_as(display_as: Mapping[str, str] | None) -> dict[str, str]:
    """``display_as`` validated and keyed by lower-case word."""
    if display_as is None:
        return {}
    if not isinstance(display_as, Mapping):
        raise InvalidArgumentError("display_as must map words to their display spelling")
    out = {}
    for word, shown in display_as.items():
        if not isinstance(word, str) or not isinstance(shown, str):
            raise InvalidArgumentError("display_as keys and values must be strings")
        if shown:  # IBM: an empty display_as means "as the word is spelled"
            out[word.lower()] = shown
    return out


def apply_display_as(spans: list[Span], display_as: Mapping[str, str] | None) -> list[Span]:
    """``spans`` with ``display_as`` applied to the words formatting left alone."""
    table = check_display_as(display_as)
    if not table:
        return spans
    return [
        replace(s, text=table[s.text.lower()]) if not s.rewritten and s.text.lower() in table else s
        for s in spans
    ]


def words_as_spans(words: list[str]) -> list[Span]:
    """One untouched span per word (no formatting)."""
    return [Span(i, i + 1, w, rewritten=False) for i, w in enumerate(words)]
