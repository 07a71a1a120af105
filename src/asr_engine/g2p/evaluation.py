"""Measuring a G2P: a held-out split by word, and word / phone error rates.

Shared by ``benchmarks/bench_g2p.py`` and the tests so that both engines are
always scored the same way:

* a word is right if the hypothesis equals any of its reference variants;
* its phone errors are the edit distance to the closest variant, and the
  phone error rate is their sum over the sum of those variants' lengths.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Mapping, Sequence

from .lexicon import Lexicon


def held_out_split(lexicon: Lexicon, fraction: float = 0.1, seed: int = 0) -> tuple[Lexicon, Lexicon]:
    """(train, test): ``fraction`` of the words (not entries: all variants of a
    word go to the same side), drawn with ``random.Random(seed)``."""
    words = sorted(lexicon)
    random.Random(seed).shuffle(words)
    n = round(len(words) * fraction)
    return {w: lexicon[w] for w in words[n:]}, {w: lexicon[w] for w in words[:n]}


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two phone sequences."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


@dataclass(frozen=True)
class ErrorRates:
    words: int
    word_errors: int
    phone_errors: int
    reference_phones: int

    @property
    def word_error_rate(self) -> float:
        return self.word_errors / self.words if self.words else 0.0

    @property
    def phone_error_rate(self) -> float:
        return self.phone_errors / self.reference_phones if self.reference_phones else 0.0


def error_rates(hypotheses: Mapping[str, str], references: Lexicon) -> ErrorRates:
    """Score ``hypotheses`` (word -> space-separated phones, "" for none)
    against every word of ``references``."""
    word_errors = phone_errors = ref_phones = 0
    for word, variants in references.items():
        hyp = hypotheses.get(word, "").split()
        best = min(variants, key=lambda ref: (edit_distance(hyp, ref) / len(ref), len(ref)))
        e = edit_distance(hyp, best)
        word_errors += e > 0
        phone_errors += e
        ref_phones += len(best)
    return ErrorRates(len(references), word_errors, phone_errors, ref_phones)
