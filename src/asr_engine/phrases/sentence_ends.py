"""Semantic sentence ends inside a phrase (``split_transcript_at_phrase_end``).

A phrase is decoded as one LM sentence (``<s> ... </s>``), so a sentence end
inside it never shows in the best path. We ask the language model the
question the search would have asked had it been allowed ``</s> <s>`` between
two words: at each pause between words (at least :data:`MIN_PAUSE` seconds;
spoken sentence ends come with one, and the check keeps us from splitting
fluent speech on LM whims), the phrase is split when

    log P(</s> | history) + log P(next | <s>) > log P(next | history),

i.e. when the LM finds "end here, start a new sentence with the next word"
more likely than going on. The part before the split ends with
``full_stop``; the last part keeps the phrase's own reason.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..results import Phrase, WordResult

__all__ = ["MIN_PAUSE", "sentence_breaks", "split_at_sentence_ends"]

#: Shortest pause between two words (seconds) that may hold a sentence end.
MIN_PAUSE = 0.1


def sentence_breaks(words: list[WordResult], lm: Any) -> list[int]:
    """Indices ``i`` such that a sentence ends after ``words[i - 1]``."""
    if len(words) < 2:
        return []
    out = []
    state = lm.begin_state()
    begin = lm.begin_state()
    for i, w in enumerate(words[:-1]):
        _p, state = lm.score_word(state, w.word)
        nxt = words[i + 1]
        if nxt.start - w.end < MIN_PAUSE:
            continue
        go_on, _ = lm.score_word(state, nxt.word)
        restart, _ = lm.score_word(begin, nxt.word)
        if lm.final(state) + restart > go_on:
            out.append(i + 1)
            state = lm.begin_state()
    return out


def split_at_sentence_ends(phrase: Phrase, lm: Any) -> list[Phrase]:
    """The phrase cut at its sentence ends (itself when it has none)."""
    cuts = sentence_breaks(phrase.words, lm)
    if not cuts:
        return [phrase]
    rate = (phrase.end_sample - phrase.start_sample) / max(1e-9, phrase.end - phrase.start)
    out = []
    bounds = [0, *cuts, len(phrase.words)]
    start = phrase.start
    for k in range(len(bounds) - 1):
        ws = phrase.words[bounds[k]:bounds[k + 1]]
        last = k == len(bounds) - 2
        # Cut in the middle of the pause between the two sentences.
        end = phrase.end if last else round((ws[-1].end + phrase.words[bounds[k + 1]].start) / 2, 3)
        conf = [w.confidence for w in ws if w.confidence is not None]
        out.append(replace(
            phrase, start=start, end=end, transcript=" ".join(w.word for w in ws),
            confidence=round(float(np.mean(conf)), 4) if conf else 0.0, words=ws, alternatives=[],
            end_of_utterance=phrase.end_of_utterance if last else "full_stop",
            start_sample=phrase.start_sample + int(round((start - phrase.start) * rate)),
            end_sample=phrase.end_sample if last else phrase.start_sample + int(round((end - phrase.start) * rate)),
            keywords={kw: [m for m in ms if start <= m.start < end] for kw, ms in phrase.keywords.items()},
            word_alternatives=[b for b in phrase.word_alternatives if start <= b.start < end],
            # Inner cuts fall in a pause the detector did not end: their speech edges are the words'.
            speech_start=phrase.speech_start if k == 0 else ws[0].start,
            speech_end=phrase.speech_end if last else ws[-1].end))
        start = end
    out[0] = replace(out[0], keywords={k: v for k, v in out[0].keywords.items() if v})
    for i in range(1, len(out)):
        out[i] = replace(out[i], keywords={k: v for k, v in out[i].keywords.items() if v})
    return out
