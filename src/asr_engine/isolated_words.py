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
(0 leaves results unchanged).

A third component draws the one word from the LM's own one-word
sentences instead, ``P_ngram(<s> w </s>) / Z`` with ``Z`` their sum over the
vocabulary (``SearchOptions.one_word_sentence_prior``, ``q``):

    P(W) = (1 - prior - q) * P_ngram(W) + prior * [len(W) = 1] * P_unigram(w)
           + q * [len(W) = 1] * P_ngram(W) / Z.

The unigram favours frequent short words ("to", "was") that are rarely
said alone; the one-word-sentence distribution keeps the LM's judgement of
which words stand alone ("yes", "right", digits) and only raises every
one-word hypothesis against longer ones by the same factor. Lattices
longer than 3 s are left alone (the n-best list costs time and a word
said alone is shorter).
"""
from __future__ import annotations

import math
import weakref
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


#: ln Z per LM: the sum of P(<s> w </s>) over its words (computed once, ~0.3 s for 70k words)
_ONE_WORD_TOTALS: "weakref.WeakKeyDictionary[Any, float]" = weakref.WeakKeyDictionary()


def _one_word_log_total(lm: Any) -> float:
    """ln of the LM's total probability of one-word sentences."""
    total = _ONE_WORD_TOTALS.get(lm)
    if total is None:
        special = {"<s>", "</s>", "<unk>"}
        log10 = lm.score_batch([w for w in lm.words() if w not in special])
        top = float(log10.max())
        total = LN10 * (top + math.log10(float((10.0 ** (log10 - top)).sum())))
        _ONE_WORD_TOTALS[lm] = total
    return total


def prior_adjustment(lm: Any, words: "tuple[str, ...] | list[str]", prior: float, sentence_prior: float) -> float:
    """``ln P(W) - ln P_ngram(W)`` under the mixture (natural log): what the
    isolated-word components add to a word sequence's LM score."""
    stay = math.log1p(-prior - sentence_prior)
    if len(words) != 1:
        return stay
    log_prior = math.log(prior) if prior > 0.0 else -math.inf
    log_sentence = math.log(sentence_prior) - _one_word_log_total(lm) if sentence_prior > 0.0 else -math.inf
    sentence, unigram = _sentence_log(lm, words[0])
    terms = (stay + sentence, log_prior + unigram, log_sentence + sentence)
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms)) - sentence


def isolated_word_path(lattice: Any, lm: Any, prior: float, language_weight: float,
                       sentence_prior: float = 0.0) -> Optional[list[int]]:
    """The lattice path (instance ids) of a single word that wins under the
    mixture prior (``prior`` for the unigram component, ``sentence_prior`` for
    the one-word-sentence component), or None when a longer path still scores best."""
    if prior < 0.0 or sentence_prior < 0.0 or prior + sentence_prior >= 1.0:
        raise ValueError(f"isolated-word priors {prior}, {sentence_prior} must be >= 0 with a sum below 1")
    if prior + sentence_prior <= 0.0 or lattice.empty:
        return None
    instances = lattice.instances
    if max(inst[2] for inst in instances) >= MAX_FRAMES:
        return None
    candidates: dict[tuple[str, ...], tuple[list[int], float]] = {}
    for ids, score in lattice.nbest(NBEST):
        words = tuple(instances[i][0] for i in ids if not instances[i][4])
        if words not in candidates:  # the n-best list repeats words with other fillers or times
            candidates[words] = (list(ids), score)
    best_score, best_ids, best_single = -math.inf, None, False
    for words, (ids, score) in candidates.items():
        score += language_weight * prior_adjustment(lm, words, prior, sentence_prior)
        if score > best_score:
            best_score, best_ids, best_single = score, list(ids), len(words) == 1
    return best_ids if best_single else None


__all__ = ["isolated_word_path", "prior_adjustment"]
