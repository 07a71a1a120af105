"""What the G2P accepts as a word, and how it is normalised first.

* Unicode NFKD with accents removed (``café`` -> ``cafe``), then lower case.
* Typographic apostrophes become ``'``; apostrophes are kept (``o'clock``),
  as are ``-`` and ``.`` (``x-ray``, ``a.m.``), which the dictionary spells too.
* Surrounding whitespace is ignored.

Anything else is refused with :class:`~asr_engine.errors.InvalidArgumentError`
(code 400) naming the problem: an empty word, digits (spell numbers as
words), inner whitespace (one word at a time), other punctuation or symbols,
letters the model has never seen (e.g. non-Latin scripts), a word without
any letter, or one longer than :data:`MAX_WORD_LENGTH`.
"""
from __future__ import annotations

import unicodedata

from ..errors import InvalidArgumentError

MAX_WORD_LENGTH = 100  #: letters; the longest CMUdict word has 34

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def normalize_spelling(word: str, letters: str) -> str:
    """``word`` as the model's letters (see the module doc), or InvalidArgumentError.

    Args:
        word: the written word.
        letters: the model's alphabet (``GraphoneModel.letters``).
    """
    if not isinstance(word, str):
        raise InvalidArgumentError(f"a word must be a str, not {type(word).__name__}")
    text = unicodedata.normalize("NFKD", word.strip()).translate(_APOSTROPHES)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    if not text:
        raise InvalidArgumentError("cannot pronounce an empty word")
    if len(text) > MAX_WORD_LENGTH:
        raise InvalidArgumentError(f"cannot pronounce a word longer than {MAX_WORD_LENGTH} letters")
    bad = sorted({c for c in text if c not in letters})
    if bad:
        if any(c.isdigit() for c in bad):
            reason = "digits (spell numbers as words)"
        elif any(c.isspace() for c in bad):
            reason = "whitespace (pronounce one word at a time)"
        else:
            reason = "characters the G2P model has no letters for: " + " ".join(repr(c) for c in bad)
        raise InvalidArgumentError(f"cannot pronounce {word!r}: it contains {reason}")
    if not any(c.isalpha() for c in text):
        raise InvalidArgumentError(f"cannot pronounce {word!r}: it has no letters")
    return text
