"""Decoding units to reported phrases (asr_engine.phrase_grouping): pauses
inside a unit, noise phrases (by the decoder's words and by the detector's
scores over them), and the spans' close margin."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from asr_engine.errors import InvalidArgumentError
from asr_engine.phrase_grouping import (SpeechEvidence, group_phrase, is_noise, phrase_groups, phrases_of_units,
                                        unit_parts)
from asr_engine.phrases import PhraseSpan, SegmenterOptions, segment
from asr_engine.results import KeywordMatch, Phrase, WordAlternatives, WordResult


def _unit(start: float, end: float, *words: tuple, **fields) -> Phrase:
    ws = [WordResult(w[0], w[1], w[2], w[3] if len(w) > 3 else 0.9) for w in words]
    fields.setdefault("alternatives", [])
    return Phrase(start, end, " ".join(w.word for w in ws), 0.9 if ws else 0.0, ws, end_of_utterance="silence",
                  start_sample=int(round(start * 16000)), end_sample=int(round(end * 16000)), **fields)


def test_a_unit_is_cut_at_a_pause_between_its_words():
    unit = _unit(0.0, 4.0, ("one", 0.3, 0.7), ("<sil>", 0.7, 1.5), ("two", 1.8, 2.2), ("three", 2.3, 3.0),
                 alternatives=["stand-in"],
                 keywords={"two": [KeywordMatch("two", 1.8, 2.2, 0.9)], "one": [KeywordMatch("one", 0.3, 0.7, 0.8)]},
                 word_alternatives=[WordAlternatives(0.3, 0.7, [("one", 0.9)]),
                                    WordAlternatives(1.8, 2.2, [("two", 0.9)])])
    first, second = unit_parts(unit, 0.8)
    # Cut in the middle of the 1.1 s pause between "one" and "two" (1.25 s).
    assert (first.start, first.end, second.start, second.end) == (0.0, 1.25, 1.25, 4.0)
    assert (first.start_sample, first.end_sample, second.start_sample, second.end_sample) == (0, 20000, 20000, 64000)
    assert [w.word for w in first.words] == ["one", "<sil>"] and second.transcript == "two three"
    assert (first.speech_start, first.speech_end, second.speech_start, second.speech_end) == (0.3, 0.7, 1.8, 3.0)
    assert list(first.keywords) == ["one"] and list(second.keywords) == ["two"]
    assert [b.start for b in first.word_alternatives] == [0.3] and [b.start for b in second.word_alternatives] == [1.8]
    assert first.alternatives == second.alternatives == []  # the n-best covered the whole unit
    # No pause that long: the unit itself.
    assert unit_parts(unit, 1.2) == [unit]
    assert unit_parts(_unit(0.0, 1.0), 0.8) == [unit_parts(_unit(0.0, 1.0), 0.8)[0]]


def test_phrases_end_at_a_pause_inside_one_unit_but_not_a_grammar_sentence():
    span = PhraseSpan(0, 500, "end_of_data", 20, 480)
    units = [_unit(0.0, 2.5, ("one", 0.2, 0.6), ("two", 1.5, 1.9)), _unit(2.5, 5.0, ("three", 2.6, 3.0))]
    out = phrases_of_units(units, span, 160.0, 100.0, 0.8)
    # "two" starts 0.9 s after "one": its own phrase, joined by "three" 0.7 s after it.
    assert [(p.transcript, p.start, p.end, p.end_of_utterance) for p in out] == \
        [("one", 0.0, 1.05, "silence"), ("two three", 1.05, 5.0, "end_of_data")]
    assert [p.transcript for p in phrases_of_units(units, span, 160.0, 100.0, 0.8, grammar=True)] == \
        ["one two three"]
    groups, closed = phrase_groups(units, 0.8, [None, None])
    assert [[u.transcript for u in g] for g in groups] == [["one"], ["two", "three"]] and not closed


@pytest.mark.parametrize("words, noise", [
    ([("a", 1.00, 1.03, 0.07)], True),                       # a click: one 3-frame phone, unsure
    ([("but", 1.00, 1.13, 0.11), ("++noise++", 1.13, 1.4, 0.9)], True),
    ([("i", 1.0, 1.08, 0.3), ("a", 1.1, 1.18, 0.2)], True),  # 0.16 s together
    ([("right", 1.00, 1.25, 0.86)], False),                   # short but sure
    ([("up", 1.00, 1.15, 0.6)], False),
    ([("five", 1.00, 1.27, 0.14)], False),                    # unsure but long enough
    ([("nine", 1.0, 1.44, 0.02)], False),
])
def test_noise_phrases_are_short_and_unsure(words, noise):
    ws = [WordResult(*w) for w in words]
    assert is_noise(ws) is noise
    span = PhraseSpan(0, 300, "end_of_data", 90, 150)
    unit = _unit(0.0, 3.0, *words)
    out = phrases_of_units([unit], span, 160.0, 100.0, 0.8)
    assert len(out) == (0 if noise else 1)
    # A grammar's sentence is never dropped for it, nor a rejected phrase.
    assert len(phrases_of_units([unit], span, 160.0, 100.0, 0.8, grammar=True)) == 1
    assert len(phrases_of_units([dataclasses.replace(unit, rejected=True)], span, 160.0, 100.0, 0.8)) == 1


def test_noise_only_ends_the_phrases_around_it():
    """A click between two phrases is dropped; the phrases stay apart."""
    span = PhraseSpan(0, 600, "end_of_data", 20, 580)
    units = [_unit(0.0, 1.5, ("one", 0.2, 0.9)), _unit(1.5, 3.0, ("a", 2.2, 2.23, 0.07)),
             _unit(3.0, 6.0, ("two", 3.2, 3.9))]
    assert [p.transcript for p in phrases_of_units(units, span, 160.0, 100.0, 0.8)] == ["one", "two"]


def test_close_margin_closes_a_span_that_much_later():
    d = [True] * 50 + [False] * 200 + [True] * 50
    plain = segment(d, SegmenterOptions(onset_correction=0.08, offset_correction=0.12))
    late = segment(d, SegmenterOptions(onset_correction=0.08, offset_correction=0.12, close_margin=0.2))
    assert len(plain) == len(late) == 2
    # The same phrases: the pause is long enough either way, and the trailing pad is the same.
    assert [(s.start, s.end) for s in plain] == [(s.start, s.end) for s in late]
    # A pause of 0.7 s of decisions: closes the phrase with no margin, not with 0.2 s.
    d = [True] * 50 + [False] * 70 + [True] * 50
    assert len(segment(d, SegmenterOptions())) == 2
    assert len(segment(d, SegmenterOptions(close_margin=0.2))) == 1
    for bad in (-0.1, 2.5, float("nan"), True, "0.2"):
        with pytest.raises(InvalidArgumentError, match="close_margin"):
            SegmenterOptions(close_margin=bad)


def test_speech_evidence_is_the_mean_score_over_the_words_frames():
    scores = np.arange(100, dtype=np.float32)  # frame k (from 50 on) scores k - 50
    ev = SpeechEvidence(scores, 50, 100.0)
    w = [WordResult("a", 0.60, 0.70, 0.5), WordResult("b", 1.00, 1.10, 0.5)]
    # Frames 60-69 and 100-109: scores 10-19 and 50-59.
    assert ev.mean(w) == pytest.approx((sum(range(10, 20)) + sum(range(50, 60))) / 20)
    # Frames outside the held scores count for nothing; none held: no evidence.
    assert ev.mean([WordResult("c", 1.45, 1.60, 0.5)]) == pytest.approx(np.mean(range(95, 100)))
    assert ev.mean([WordResult("d", 0.10, 0.40, 0.5)]) is None and ev.mean([]) is None


def test_the_evidence_cutoff_follows_the_detector_sensitivity():
    assert SpeechEvidence.cutoff_for(0.5, 3.0) == 0.0
    assert SpeechEvidence.cutoff_for(1.0, 3.0) == -math.inf and SpeechEvidence.cutoff_for(0.0, 3.0) == math.inf
    # More sensitive: a lower cutoff (less is suppressed), as the detector's own threshold.
    assert SpeechEvidence.cutoff_for(0.8, 3.0) < 0.0 < SpeechEvidence.cutoff_for(0.2, 3.0)
    assert SpeechEvidence.cutoff_for(0.8, 3.0) == pytest.approx(3.0 * math.log(0.2 / 0.8))


def test_words_the_detector_scores_as_non_speech_are_noise():
    words = [WordResult("yep", 1.00, 1.44, 0.06)]  # long enough and not short noise by the words alone
    assert not is_noise(words)
    below = SpeechEvidence(np.full(300, -1.5, np.float32), 0, 100.0)
    above = SpeechEvidence(np.full(300, 0.5, np.float32), 0, 100.0)
    assert is_noise(words, below) and not is_noise(words, above)
    # At sensitivity 1 nothing is suppressed; no scores held for the words: no evidence.
    assert not is_noise(words, dataclasses.replace(below, cutoff=SpeechEvidence.cutoff_for(1.0, 3.0)))
    assert not is_noise(words, SpeechEvidence(np.full(50, -9.0, np.float32), 0, 100.0))
    # A grammar's phrase, or a rejected one, is reported whatever the scores.
    unit = _unit(0.5, 2.0, ("yep", 1.00, 1.44, 0.06))
    span = PhraseSpan(50, 200, "silence")
    assert group_phrase([unit], 0, True, span, 160.0, 100.0, False, below) is None
    assert group_phrase([unit], 0, True, span, 160.0, 100.0, False, above) is not None
    assert group_phrase([unit], 0, True, span, 160.0, 100.0, True, below) is not None
    rejected = dataclasses.replace(unit, rejected=True)
    assert group_phrase([rejected], 0, True, span, 160.0, 100.0, False, below) is not None
