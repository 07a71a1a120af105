"""Profanity masking, as both services do it.

IBM (``profanity_filter``, default true) replaces each profane word by as many
asterisks as it has letters (``"**** you"``) in transcripts, alternatives,
``timestamps``, ``word_confidence`` and ``word_alternatives`` -- never in
``keywords_result``.  Azure's ``profanity`` is ``masked`` (asterisks),
``removed`` (the word is left out) or ``raw``.  The word list is
``data/profanity_en.txt`` (en-US; its origin and licence are in its header).
Matching is per word and case-insensitive; a word's possessive or plural
(``fucker's``) counts as the word.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Iterable, overload

from ..errors import InvalidArgumentError

MODES = ("masked", "removed", "raw")


@lru_cache(maxsize=1)
def profane_words() -> frozenset[str]:
    """The shipped en-US list."""
    text = files("asr_engine.formatting").joinpath("data/profanity_en.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def is_profane(word: str) -> bool:
    """Whether ``word`` is on the list (case-insensitive, ``'s`` ignored)."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    return w in profane_words()


def mask_word(word: str) -> str:
    """``word`` as the services mask it: one asterisk per character."""
    return "*" * len(word)


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidArgumentError(f"profanity must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


@overload
def mask_profanity(words: str, mode: str = "masked") -> str: ...
@overload
def mask_profanity(words: list[str], mode: str = "masked") -> list[str]: ...


def mask_profanity(words, mode: str = "masked"):
    """Mask (or remove) profane words in a text or a word list.

    A str gives a str (words split on whitespace and joined by single
    spaces); a list of words gives a list.  ``mode="raw"`` returns the input
    unchanged.
    """
    check_mode(mode)
    if isinstance(words, str):
        return " ".join(mask_profanity(words.split(), mode)) if mode != "raw" else words
    if isinstance(words, (list, tuple)):
        if not all(isinstance(w, str) for w in words):
            raise InvalidArgumentError("words to mask must be strings")
        if mode == "raw":
            return list(words)
        if mode == "masked":
            return [mask_word(w) if is_profane(w) else w for w in words]
        return [w for w in words if not is_profane(w)]
    raise InvalidArgumentError(f"mask_profanity takes a str or a list of words, not {type(words).__name__}")


def masker(enabled: bool):
    """A per-word function for façades: masks when ``enabled``, else identity.

    Use it on transcripts, timestamps, word confidences and word
    alternatives; keyword results keep the user's words unmasked.
    """
    if not enabled:
        return lambda w: w
    return lambda w: mask_word(w) if is_profane(w) else w


__all__ = ["MODES", "is_profane", "mask_word", "mask_profanity", "masker", "profane_words"]
