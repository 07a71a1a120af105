"""A language model extended with words it lacks (``OpenVocabularyModel``)."""
from __future__ import annotations

import math
from typing import Mapping

from .. import _core
from ..errors import InvalidArgumentError
from .combine import _native
from .ngram import BoostMixin

_lm = _core.lm

#: log10 probability of an added word when the caller gives none: a little
#: above the 99th percentile of the default LM's unigrams (-3.9), i.e. as
#: likely as one of the most frequent words, since a word a user adds is one
#: they expect to be said. Chosen on the dev set's new-words benchmark
#: (benchmarks/bench_custom_lm.py --part words; 30 words taken out and added
#: back): -5 finds 40 % of the unmodified model's hits, -4 about 80 %, -3.5
#: about 95 %, and neither -4 nor -3.5 changes the WER of the 115 dev
#: utterances without those words (34.8 % -> 34.7 %).
DEFAULT_WORD_LOG10_PROB = -3.5


class OpenVocabularyModel(BoostMixin, _lm.OpenVocabularyModel):
    """``inner`` plus new words, each with a context-independent probability.

    ``P(new word | h) = p``; the inner model's words keep ``(1 - sum p)`` of
    their probability, so every context stays normalized. After a new word
    the inner model continues as after ``<unk>``.

    Args:
        inner: any word-sequence model.
        words: ``{word: log10 p}`` for words ``inner`` lacks (``None`` values:
            :data:`DEFAULT_WORD_LOG10_PROB`).
    """

    def __init__(self, inner, words: Mapping[str, float | None]) -> None:
        items = []
        for w, p in words.items():
            p = DEFAULT_WORD_LOG10_PROB if p is None else float(p)
            if not (math.isfinite(p) and p < 0):
                raise InvalidArgumentError(f"the log10 probability of {w!r} must be below 0, not {p}")
            items.append((str(w), p))
        super().__init__(_native(inner), items)
        self.inner = inner

    def __repr__(self) -> str:
        return f"<OpenVocabularyModel +{self.vocab_size - self.inner_size} words over {self.inner!r}>"
