"""Filled pauses: the model's filler words as IBM's ``%HESITATION``.

Sphinx models list fillers in their noise dictionary (``++UH++``, ``++UM++``,
``++NOISE++``, ``[SPEECH]``, ...).  IBM's previous-generation models write a
filled pause as ``%HESITATION`` in transcripts, timestamps and word
confidences, and smart formatting removes it from final transcripts.  Other
fillers (breath, noise, silence) are not words at all and are dropped.
"""
from __future__ import annotations

import re
from typing import Iterable

HESITATION = "%HESITATION"

# Sounds of a filled pause, as noise-dictionary names (++UH++) or as words.
_PAUSE_SOUNDS = frozenset("uh um uhm umm er erm ah eh hm hmm mm uhuh".split())
_PAUSE_WORDS = frozenset("uh um uhm umm er erm hmm mm".split())
_FILLER = re.compile(r"^(\+\+?[A-Za-z_]+\+?\+|\[[A-Za-z_]+\]|<[a-z/]+>)$")


def hesitation_form(word: str) -> str | None:
    """``%HESITATION`` for a filled pause, None for another filler, else ``word``."""
    if word == HESITATION:
        return word
    if _FILLER.match(word):
        name = word.strip("+[]<>/").lower()
        return HESITATION if name in _PAUSE_SOUNDS else None
    if word.lower() in _PAUSE_WORDS:
        return HESITATION
    return word


def mark_hesitations(words: Iterable[str]) -> list[str]:
    """``words`` with filled pauses as ``%HESITATION`` and other fillers dropped."""
    out = []
    for w in words:
        form = hesitation_form(w)
        if form is not None:
            out.append(form)
    return out


def is_hesitation(word: str) -> bool:
    return hesitation_form(word) == HESITATION


def drop_hesitations(words: Iterable[str]) -> list[str]:
    """``words`` without filled pauses or fillers (what smart formatting keeps)."""
    return [w for w in words if hesitation_form(w) not in (None, HESITATION)]
