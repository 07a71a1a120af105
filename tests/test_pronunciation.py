"""Pronunciation assessment: each parameter value does what it says, and bad
input is refused with a message naming what to fix. Score quality on the
dev set is measured by benchmarks/bench_pronunciation.py."""
from __future__ import annotations

import numpy as np
import pytest

import asr_engine as ae
from asr_engine.pronunciation import PronunciationAssessor
from asr_engine.pronunciation.miscue import align_words
from conftest import DEV

CARDS = DEV / "psx_cards_001.wav"  # "ten of clubs"
TEXT = "Ten of clubs."


@pytest.fixture(scope="module")
def assessor() -> PronunciationAssessor:
    return PronunciationAssessor(ae.Recognizer())


@pytest.fixture(scope="module")
def full(assessor):
    return assessor.assess(CARDS, TEXT, grading_system="HundredMark", dimension="Comprehensive",
                           nbest_phoneme_count=3)


def test_right_text_scores_high_and_words_follow_the_reference(full):
    assert [w.word for w in full.words] == ["Ten", "of", "clubs"]
    assert full.accuracy_score >= 70
    assert full.completeness_score == 100.0
    assert 0 <= full.fluency_score <= 100 and 0 <= full.pron_score <= 100
    assert all(w.error_type in ("None", "Mispronunciation") for w in full.words)
    times = [w.offset for w in full.words]
    assert times == sorted(times) and all(w.duration > 0 for w in full.words)
    ten = full.words[0]
    assert [p.phoneme for p in ten.phonemes] == ["t", "eh", "n"]
    for p in ten.phonemes:
        assert len(p.nbest_phonemes) == 3 and p.nbest_phonemes[0].score == 100.0
        assert ten.offset <= p.offset < ten.offset + ten.duration


def test_wrong_text_scores_low(assessor, full):
    wrong = assessor.assess(CARDS, "the sun rose over the hills", grading_system="HundredMark")
    assert wrong.accuracy_score < full.accuracy_score - 30


def test_five_point_is_hundred_mark_over_20(assessor, full):
    five = assessor.assess(CARDS, TEXT, grading_system="FivePoint", dimension="Comprehensive")
    assert five.accuracy_score == pytest.approx(full.accuracy_score / 20, abs=0.01)
    assert five.pron_score == pytest.approx(full.pron_score / 20, abs=0.01)
    assert all(0 <= w.accuracy_score <= 5 for w in five.words)


def test_granularity_levels(assessor):
    text_only = assessor.assess(CARDS, TEXT, granularity="FullText")
    words = assessor.assess(CARDS, TEXT, granularity="Word")
    assert text_only.words == []
    assert len(words.words) == 3 and all(w.phonemes == [] for w in words.words)


def test_basic_dimension_gives_accuracy_only(assessor):
    basic = assessor.assess(CARDS, TEXT, dimension="Basic", granularity="Word")
    assert basic.fluency_score is None and basic.completeness_score is None and basic.pron_score is None
    assert all(w.error_type is None for w in basic.words)


def test_ipa_alphabet(assessor):
    ipa = assessor.assess(CARDS, TEXT, phoneme_alphabet="IPA")
    assert [p.phoneme for p in ipa.words[0].phonemes] == ["t", "ɛ", "n"]
    assert [p.phoneme for p in ipa.words[1].phonemes][0] == "ə"


def test_miscue_marks_an_omitted_word(assessor):
    # "ten of clubs" read against a reference with an extra word in the middle.
    out = assessor.assess(CARDS, "ten of seven clubs", enable_miscue=True, grading_system="HundredMark",
                          dimension="Comprehensive", granularity="Word")
    kinds = {w.word: w.error_type for w in out.words}
    assert kinds["seven"] == "Omission"
    assert out.completeness_score == 75.0


def test_miscue_marks_an_inserted_word(assessor):
    samples = ae.load_audio(CARDS).samples
    silence = np.zeros(8000, dtype=samples.dtype)
    rec = assessor.recognizer.recognize(np.concatenate([samples, silence, samples]), sample_rate=16000)
    assert rec.transcript.split().count("clubs") == 2  # the recording said twice
    out = assessor.assess(np.concatenate([samples, silence, samples]), TEXT, sample_rate=16000,
                          enable_miscue=True, granularity="Word", recognized=rec)
    assert "Insertion" in [w.error_type for w in out.words]


def test_words_missing_from_the_dictionary_get_g2p(assessor):
    out = assessor.assess(CARDS, "ten of clubsz", granularity="Phoneme")
    assert [w.word for w in out.words] == ["ten", "of", "clubsz"]
    assert out.words[2].phonemes


def test_audio_shorter_than_the_reference_is_not_an_error(assessor):
    out = assessor.assess(np.zeros(1600, dtype=np.int16), TEXT, sample_rate=16000, enable_miscue=True,
                          dimension="Comprehensive", granularity="Word", grading_system="HundredMark")
    assert out.accuracy_score == 0 and out.completeness_score == 0
    assert [w.error_type for w in out.words] == ["Omission"] * 3


@pytest.mark.parametrize("kwargs, fix", [
    ({"grading_system": "TenPoint"}, "grading_system must be one of HundredMark, FivePoint"),
    ({"granularity": "Syllable"}, "granularity must be one of Phoneme, Word, FullText"),
    ({"dimension": "Full"}, "dimension must be one of Basic, Comprehensive"),
    ({"phoneme_alphabet": "XSAMPA"}, "phoneme_alphabet must be one of SAPI, IPA"),
    ({"enable_miscue": "yes"}, "enable_miscue must be True or False"),
    ({"nbest_phoneme_count": 11}, "nbest_phoneme_count must be an integer from 0 to 10"),
    ({"nbest_phoneme_count": -1}, "nbest_phoneme_count must be an integer from 0 to 10"),
    ({"recognized": "ten of clubs"}, "recognized must be a Result or None"),
])
def test_bad_parameters(assessor, kwargs, fix):
    with pytest.raises(ae.InvalidArgumentError, match=fix):
        assessor.assess(CARDS, TEXT, **kwargs)


@pytest.mark.parametrize("text, fix", [("", "reference_text is empty"), ("  ... !", "reference_text is empty"),
                                       (None, "reference_text must be a string"),
                                       ("ten 42 clubs", "'42' cannot be pronounced")])
def test_bad_reference_text(assessor, text, fix):
    with pytest.raises(ae.InvalidArgumentError, match=fix) as e:
        assessor.assess(CARDS, text)
    assert e.value.code == 400


def test_bad_recognizer_and_audio(assessor):
    with pytest.raises(ae.InvalidArgumentError, match="recognizer must be a Recognizer"):
        PronunciationAssessor("en-US")
    with pytest.raises(ae.AsrError):
        assessor.assess(b"not audio at all", TEXT)


def test_word_alignment_brute_force():
    assert align_words(["a", "b", "c"], ["a", "c"]) == [(0, 0), (1, None), (2, 1)]
    assert align_words(["a", "c"], ["a", "b", "c"]) == [(0, 0), (None, 1), (1, 2)]
    assert align_words(["a", "b"], ["a", "x"]) == [(0, 0), (1, 1)]
    assert align_words([], ["x"]) == [(None, 0)]
