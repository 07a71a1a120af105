"""Phrase ends inside a decoding unit, at the decoder's own pauses.

The speech detector's smoothing and hangover bridge some real pauses: on the
constructed long audio of ``benchmarks/bench_phrases.py`` a pause of 0.9-1.1 s
between words (forced alignment agrees) was taken for speech, so the segmenter
never ended a phrase there and the decoder placed the words of both sides in
one unit. The services end a phrase at any pause of
``end_of_phrase_silence_time``; the decoder's word times (what a user reads)
show that pause, so a unit is cut there too: its words, n-best alternatives,
keywords and word-alternative bins go to the side of the cut their middle (or
start) falls on. The cut is the middle of the pause, as for sentence ends.

The unit's alternatives are one hypothesis each of the whole unit; cut, two of
them may say the same on one side, so each side keeps one alternative per
distinct word sequence, in the unit's rank order (the first stays the side's
best path), its confidence the summed posterior of the unit's hypotheses that
say it there (capped at 1: the posterior of that side's words, as far as the
n-best shows it).

Only spoken words mark a pause (fillers and silence tokens are not speech);
a rejected (out-of-grammar) unit is never cut: its words are one grammar
sentence.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..results import Alternative, Phrase, WordResult

__all__ = ["spoken_words", "word_pause_cuts", "split_at_word_pauses"]


def spoken_words(words: list[WordResult]) -> list[WordResult]:
    """The words that are speech (not silence, noise or filler tokens)."""
    return [w for w in words if w.word and not w.word.startswith(("<", "[", "++"))]


def word_pause_cuts(words: list[WordResult], silence: float) -> list[float]:
    """Cut times (middles of the pauses) between spoken words at least
    ``silence`` seconds apart."""
    spoken = spoken_words(words)
    return [round((a.end + b.start) / 2, 3) for a, b in zip(spoken, spoken[1:]) if b.start - a.end >= silence]


def _side(words: list[WordResult], lo: float, hi: float) -> list[WordResult]:
    return [w for w in words if lo <= (w.start + w.end) / 2 < hi]


def _alternatives(alternatives: list[Alternative], lo: float, hi: float) -> list[Alternative]:
    order: list[str] = []
    merged: dict[str, Alternative] = {}
    for a in alternatives:
        ws = _side(a.words, lo, hi)
        text = " ".join(w.word for w in ws)
        if text in merged:
            m = merged[text]
            merged[text] = replace(m, confidence=round(min(1.0, m.confidence + a.confidence), 4))
        else:
            order.append(text)
            merged[text] = Alternative(text, a.confidence, ws, a.score)
    return [merged[t] for t in order]


def split_at_word_pauses(unit: Phrase, silence: float) -> list[Phrase]:
    """``unit`` cut at each pause of at least ``silence`` seconds between its
    spoken words (itself when it has none, or when it was rejected)."""
    cuts = [] if unit.rejected else word_pause_cuts(unit.words, silence)
    if not cuts:
        return [unit]
    rate = (unit.end_sample - unit.start_sample) / max(1e-9, unit.end - unit.start)
    bounds = [unit.start, *cuts, unit.end]
    out = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        last = k == len(bounds) - 2
        # What the unit holds before its first cut goes to the first side, after its last to the last.
        a, b = (lo if k else -np.inf), (np.inf if last else hi)
        ws = _side(unit.words, a, b)
        conf = [w.confidence for w in ws if w.confidence is not None]
        spoken = spoken_words(ws)
        out.append(replace(
            unit, start=lo, end=hi, transcript=" ".join(w.word for w in ws),
            confidence=round(float(np.mean(conf)), 4) if conf else 0.0, words=ws,
            alternatives=_alternatives(unit.alternatives, a, b),
            end_of_utterance=unit.end_of_utterance if last else "silence",
            start_sample=unit.start_sample if k == 0 else unit.start_sample + int(round((lo - unit.start) * rate)),
            end_sample=unit.end_sample if last else unit.start_sample + int(round((hi - unit.start) * rate)),
            keywords={kw: v for kw, v in ((kw, [m for m in ms if a <= m.start < b]) for kw, ms in unit.keywords.items())
                      if v},
            word_alternatives=[w for w in unit.word_alternatives if a <= w.start < b],
            speech_start=spoken[0].start if spoken else None, speech_end=spoken[-1].end if spoken else None))
    return out
