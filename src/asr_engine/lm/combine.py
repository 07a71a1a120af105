"""Interpolation of a base and a custom model, and word/phrase boosts.

Both wrap any word-sequence model (n-gram, interpolated, boosted, or a
KenLM model via :meth:`KenlmModel.as_native`) and expose the same API
(``score``, ``begin_state``/``score_word``/``final``, ...), log10 scores.
"""
from __future__ import annotations

import math
from typing import Mapping, Optional, Sequence, Union

from .. import _core
from ..errors import InvalidArgumentError
from .ngram import BoostMixin

_lm = _core.lm


def _native(model):
    as_native = getattr(model, "as_native", None)
    return as_native() if as_native is not None else model


class InterpolatedModel(BoostMixin, _lm.InterpolatedModel):
    """``P = (1 - weight) * P_base + weight * P_custom`` (probability domain).

    ``weight`` is the custom model's share, as IBM's ``customization_weight``.
    The vocabulary is the base's (same ids) followed by custom-only words; a
    word unknown to one component is scored as that component's ``<unk>``.
    """

    def __init__(self, base, custom, weight: float) -> None:
        weight = float(weight)
        if not 0.0 <= weight <= 1.0 or math.isnan(weight):
            raise InvalidArgumentError(f"interpolation weight must be within [0, 1], not {weight}")
        super().__init__(_native(base), _native(custom), weight)
        self.base, self.custom = base, custom

    def __repr__(self) -> str:
        return f"<InterpolatedModel weight={self.weight:g} base={self.base!r} custom={self.custom!r}>"


class BoostedModel(BoostMixin, _lm.BoostedModel):
    """A model plus per-word and per-phrase log10 bonuses (see :func:`with_boosts`)."""

    def __init__(
        self,
        inner,
        words: Optional[Mapping[str, float]] = None,
        phrases: Optional[Mapping[Union[str, Sequence[str]], float]] = None,
    ) -> None:
        word_items = [(str(w), _finite(b)) for w, b in (words or {}).items()]
        phrase_items = []
        for p, b in (phrases or {}).items():
            toks = p.split() if isinstance(p, str) else [str(t) for t in p]
            if not toks:
                raise InvalidArgumentError("empty boost phrase")
            phrase_items.append((toks, _finite(b)))
        super().__init__(_native(inner), word_items, phrase_items)
        self.inner = inner
        self.word_boosts = dict(word_items)
        self.phrase_boosts = {" ".join(p): b for p, b in phrase_items}

    def __repr__(self) -> str:
        return f"<BoostedModel {len(self.word_boosts)} words, {len(self.phrase_boosts)} phrases over {self.inner!r}>"


def _finite(b) -> float:
    b = float(b)
    if not math.isfinite(b):
        raise InvalidArgumentError(f"boost values must be finite, not {b}")
    return b


def with_boosts(
    model,
    words: Optional[Mapping[str, float]] = None,
    phrases: Optional[Mapping[Union[str, Sequence[str]], float]] = None,
) -> BoostedModel:
    """Wrap ``model`` with log10 bonuses.

    Args:
        words: ``{word: bonus}`` added each time the word is scored. Words
            the model lacks are added to the vocabulary (scored as ``<unk>``
            plus the bonus).
        phrases: ``{"multi word phrase" or [words]: bonus}`` earned once per
            complete occurrence of the phrase; the bonus is paid out word by
            word as the phrase progresses and taken back if it breaks off, so
            a sentence's total is exactly base + word bonuses + completed
            phrase bonuses.
    """
    return BoostedModel(model, words, phrases)
