"""An utterance-level prior for isolated words (digits, commands).

An n-gram LM trained on running text gives a word said on its own the
probability ``P(w | <s>) P(</s> | w)``, which is low for most words that
people do say alone ("nine", "zero", "right"), so the search prefers a
pair of short words or an acoustically close word that often starts and
ends sentences. This module mixes the n-gram LM with a second sentence
model: with probability ``prior`` the utterance is one word drawn from the
LM's unigram distribution,

    P(W) = (1 - prior) * P_ngram(W) + prior * [len(W) = 1] * P_unigram(w).

The mixture is applied to the lattice's n-best paths (single-word paths
gain, every other path pays ``ln(1 - prior)``), at the rescoring's
language weight; when a single-word path then scores best, it is the
final transcript. ``SearchOptions.isolated_word_prior`` sets ``prior``
(0 leaves results unchanged). Lattices longer than 3 s are left alone
(the n-best list costs time and a word said alone is shorter).
"""
from __future__ import annotations

import math
from typing import Any, Optional

LN10 = math.log(10.0)
#: lattice paths looked at; single-word paths far down the list cannot win
NBEST = 20
#: longer lattices (frames, 3 s at 100 frames/s) are not taken for one word said alone
MAX_FRAMES = 300


def _sentence_log(lm: Any, word: str) -> tuple[float, float]:
    """(ln P_ngram(<s> word </s>), ln P_unigram(word)), natural logs."""
    log10, state = lm.score_word(lm.begin_state(), word)
    sentence = LN10 * (log10 + lm.final(state))
    unigram = LN10 * lm.score_word(lm.null_state(), word)[0]
    return sentence, unigram


def isolated_word_path(lattice: Any, lm: Any, prior: float, language_weight: float) -> Optional[list[int]]:
    """The lattice path (instance ids) of a single word that wins under the
    mixture prior, or None when a longer path still scores best."""
    if prior <= 0.0 or lattice.empty:
        return None
    instances = lattice.instances
    if max(inst[2] for inst in instances) >= MAX_FRAMES:
        return None
    stay = math.log1p(-prior)
    log_prior = math.log(prior)
    best_score, best_ids, best_single = -math.inf, None, False
    for ids, score in lattice.nbest(NBEST):
        words = [instances[i][0] for i in ids if not instances[i][4]]
        if len(words) == 1:
            sentence, unigram = _sentence_log(lm, words[0])
            top = max(stay + sentence, log_prior + unigram)
            mixed = top + math.log(math.exp(stay + sentence - top) + math.exp(log_prior + unigram - top))
            score += language_weight * (mixed - sentence)
        else:
            score += language_weight * stay
        if score > best_score:
            best_score, best_ids, best_single = score, list(ids), len(words) == 1
    return best_ids if best_single else None


__all__ = ["isolated_word_path"]
