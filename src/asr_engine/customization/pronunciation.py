"""Pronunciations of custom words: ``sounds_like`` rules and spellings.

A ``sounds_like`` is a spelling of how a word sounds (US English rules of the
service): letters only, at most 40 characters, numbers spelled out
(``seventy-five``), spelled letters as ``N. C. A. A.``. Each valid one gives
one pronunciation: its tokens are looked up in the base dictionary word by
word, a letter followed by a period is that letter's name, and a token the
dictionary lacks goes to the G2P. A word with no ``sounds_like`` gets its
base pronunciations if it is in the dictionary, else the G2P's.
"""
from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from ..errors import InvalidArgumentError

MAX_SOUNDS_LIKE = 5
MAX_SOUNDS_LIKE_CHARS = 40

#: The names of the letters in CMUdict phones (what ``N. C. A. A.`` says).
LETTER_NAMES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY",
    "h": "EY CH", "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N",
    "o": "OW", "p": "P IY", "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW",
    "v": "V IY", "w": "D AH B AH L Y UW", "x": "EH K S", "y": "W AY", "z": "Z IY",
}

_ALLOWED_PUNCTUATION = set(" .-'")
_TOKEN = re.compile(r"[^\s\-]+")
_LETTERS_ONLY = re.compile(r"[^\w'.]|[\d_]")

def spell_numbers(text: str) -> str:
    """Digits spelled out as the corpus normalization does, for the suggestion
    in the service's error text (``75 dollars`` -> ``seventy five dollars``)."""
    from ..lm.corpus import verbalize

    return " ".join(verbalize(text).split())


def sounds_like_error(spelling: str) -> Optional[str]:
    """The service's message for an invalid ``sounds_like``, or None if valid."""
    if not spelling.strip():
        return "A sounds_like may not be empty."
    if any(c.isdigit() for c in spelling):
        return ("Numbers are not allowed in sounds_like. You can try for example "
                f"'{spell_numbers(spelling)}'.")
    if len(spelling) > MAX_SOUNDS_LIKE_CHARS:
        return f"The sounds_like '{spelling}' is longer than {MAX_SOUNDS_LIKE_CHARS} characters."
    for c in spelling:
        if not (("a" <= c <= "z") or ("A" <= c <= "Z") or c in _ALLOWED_PUNCTUATION):
            return (f"The character '{c}' is not allowed in sounds_like. Use only the letters a-z and A-Z, "
                    "spaces, hyphens, apostrophes, and periods after spelled letters (for example 'N. C. A. A.').")
    return None


def check_sounds_like(word: str, sounds_like) -> list[str]:
    """The request-level rules (a list of at most 5 strings); 400 otherwise."""
    if sounds_like is None:
        return []
    if isinstance(sounds_like, str) or not isinstance(sounds_like, (list, tuple)):
        raise InvalidArgumentError(f"The sounds_like of word '{word}' must be a list of strings.")
    if len(sounds_like) > MAX_SOUNDS_LIKE:
        raise InvalidArgumentError(
            f"The word '{word}' has {len(sounds_like)} sounds_like; a word may have at most {MAX_SOUNDS_LIKE}.")
    for s in sounds_like:
        if not isinstance(s, str):
            raise InvalidArgumentError(f"The sounds_like of word '{word}' must be a list of strings.")
    return list(sounds_like)


def word_errors(sounds_like: Sequence[str]) -> Optional[list[dict]]:
    """``[{spelling: message}, ...]`` for the invalid spellings, or None."""
    errors = [{s: msg} for s in sounds_like if (msg := sounds_like_error(s)) is not None]
    return errors or None


class Pronouncer:
    """Builds the pronunciations of custom words against one base dictionary.

    Args:
        dictionary: the base :class:`asr_engine.Dictionary` (``lookup`` gives phone lists).
        g2p: ``g2p(word, n) -> [phone string, ...]`` for words the dictionary lacks
            (default :func:`asr_engine.g2p.pronounce`).
    """

    def __init__(self, dictionary, g2p: Optional[Callable[[str, int], list[str]]] = None) -> None:
        self.dictionary = dictionary
        self._g2p = g2p

    def g2p(self, word: str, n: int = 1) -> list[str]:
        if self._g2p is None:
            from ..g2p import pronounce  # noqa: PLC0415 - loaded on first use

            self._g2p = pronounce
        return [" ".join(p.split()) for p in self._g2p(word, n) if p.strip()]

    def in_vocabulary(self, word: str) -> bool:
        return bool(self.dictionary.lookup(word.lower()))

    def spelling(self, spelling: str) -> str:
        """One pronunciation of a (valid) ``sounds_like`` spelling."""
        phones: list[str] = []
        for token in _TOKEN.findall(spelling):
            bare = token.strip(".'").lower()
            if not bare:
                continue
            if token.endswith(".") and len(bare) == 1 and bare in LETTER_NAMES:
                phones.append(LETTER_NAMES[bare])
                continue
            found = self.dictionary.lookup(bare)
            if found:
                phones.append(" ".join(found[0]))
            else:
                guessed = self.g2p(bare, 1)
                if not guessed:
                    raise InvalidArgumentError(f"no pronunciation could be found for '{token}' in '{spelling}'")
                phones.append(guessed[0])
        return " ".join(phones)

    def pronunciations(self, word: str, sounds_like: Sequence[str]) -> list[str]:
        """The word's custom pronunciations: one per valid ``sounds_like``.

        With no ``sounds_like``: [] for a base word (its base pronunciations
        serve), else the word read as a spelling (numbers spelled out, parts
        looked up, the rest through the G2P). A word whose ``sounds_like`` are
        all invalid has none (it is excluded from training with its error).
        """
        if sounds_like:
            out: list[str] = []
            for s in sounds_like:
                if sounds_like_error(s) is None:
                    p = self.spelling(s)
                    if p and p not in out:
                        out.append(p)
            return out
        if self.in_vocabulary(word):
            return []
        spoken = " ".join(_LETTERS_ONLY.sub(" ", spell_numbers(word)).split())
        return [self.spelling(spoken)] if spoken else []


__all__ = ["Pronouncer", "LETTER_NAMES", "MAX_SOUNDS_LIKE", "check_sounds_like", "sounds_like_error",
           "spell_numbers", "word_errors"]
