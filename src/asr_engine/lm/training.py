"""Training n-gram models from text (interpolated modified Kneser-Ney).

The estimator is native (``csrc/lm/mkn_estimator``); this module prepares the
text. Normalisation is meant for speech transcripts: case-folded, punctuation
removed, numbers left as digits for the caller to verbalise.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence, Union

from .. import _core
from ..errors import InvalidArgumentError
from .ngram import NgramModel

_lm = _core.lm

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_DIGIT_DOT = re.compile(r"(?<=\d)\.(?=\d)")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_DROP = re.compile(r"[^\w\s\x01\x02\x03]|_")


def normalize_text(text: str) -> str:
    """Normalise one sentence for LM training or lookup.

    * Unicode NFKC, then case-folding (``"Straße" -> "strasse"``).
    * Apostrophes are kept only between letters (``don't``, ``o'clock``);
      typographic apostrophes count as ``'``.
    * ``.`` and ``,`` are kept between digits (``3.5``, ``1,000``); numbers
      are otherwise left alone - verbalising them is the caller's job.
    * Every other punctuation or symbol character becomes a space, and runs
      of whitespace collapse to one space.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = _DIGIT_DOT.sub("\x01", text)
    text = _DIGIT_COMMA.sub("\x02", text)
    text = _INNER_APOSTROPHE.sub("\x03", text)
    text = _DROP.sub(" ", text)
    text = text.replace("\x01", ".").replace("\x02", ",").replace("\x03", "'")
    return " ".join(text.split())


def train_ngram(
    sentences: Union[str, Iterable[str]],
    order: int = 3,
    *,
    normalize: bool = True,
    extra_words: Iterable[str] = (),
    fallback_discounts: Sequence[float] = (0.5, 1.0, 1.5),
) -> NgramModel:
    """Estimate an interpolated modified Kneser-Ney model.

    Args:
        sentences: one sentence per item (a single ``str`` is split into lines).
        order: n-gram order, 1-6 (an upper bound: orders longer than every
            padded sentence are dropped).
        normalize: apply :func:`normalize_text` to each sentence first.
        extra_words: words to include in the vocabulary even if unseen (they
            get probability mass from the uniform floor, like ``<unk>``).
        fallback_discounts: D1, D2, D3+ used for an order whose
            counts-of-counts cannot give valid discounts (small corpora).

    Returns:
        The model; ``model.discounts`` lists ``(D1, D2, D3+, used_fallback)``
        per order. Save it with ``model.save(path)`` / ``model.write_arpa(path)``.
    """
    if isinstance(sentences, str):
        sentences = sentences.splitlines()
    sentences = _strings(sentences, "sentences", "sentence")
    extra_words = _strings([extra_words] if isinstance(extra_words, str) else extra_words, "extra_words", "extra word")
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 6:
        raise InvalidArgumentError(f"order must be an integer from 1 to 6, not {order!r}")
    try:
        discounts_in = tuple(float(d) for d in fallback_discounts)
    except (TypeError, ValueError):
        raise InvalidArgumentError("fallback_discounts must be three numbers (D1, D2, D3+)") from None
    if len(discounts_in) != 3 or not all(0.0 <= d < 1e6 for d in discounts_in):
        raise InvalidArgumentError("fallback_discounts needs three finite non-negative values (D1, D2, D3+)")
    prepared = [normalize_text(s) if normalize else s for s in sentences]
    extras = [normalize_text(w) if normalize else w for w in extra_words]
    extras = [w for w in extras if w]
    for w in extras:
        if len(w.split()) != 1:
            raise InvalidArgumentError(f"extra word {w!r} is not a single token")
    image, discounts = _lm.train_mkn(prepared, order, extras, discounts_in)
    model = NgramModel(image)
    model.discounts = [tuple(d) for d in discounts]
    return model


def _strings(items, name: str, what: str) -> list[str]:
    """``items`` as a list of str; a typed error naming the bad one otherwise."""
    if isinstance(items, (bytes, bytearray)) or not hasattr(items, "__iter__"):
        raise InvalidArgumentError(f"{name} must be an iterable of strings, not {type(items).__name__}")
    out = list(items)
    for i, s in enumerate(out):
        if not isinstance(s, str):
            raise InvalidArgumentError(f"{what} {i} is a {type(s).__name__}, not a string")
    return out
