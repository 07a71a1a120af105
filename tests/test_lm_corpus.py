"""Corpus analysis: the service's normalization rules and OOV counting."""
import pytest

from asr_engine.lm import analyze_corpus
from asr_engine.lm.numbers import cardinal, decimal, ordinal

from conftest import DATA


@pytest.mark.parametrize("text, spoken", [
    ("500", "five hundred"),
    ("$100", "one hundred dollars"),
    ("100%", "one hundred percent"),
    ("0.15", "zero point fifteen"),
    ("0.05", "zero point zero five"),
    ("€100", "one hundred euros"),
    ("$1.50", "one dollar fifty cents"),
    ("$2 million", "two million dollars"),
    ("1,000,000", "one million"),
    ("21st", "twenty first"),
    ("the 3rd", "the third"),
    ("12th", "twelfth"),
    ("1999", "one thousand nine hundred ninety nine"),
    ("Pay $ now", "pay now"),
    ("Hello (a side remark) world", "hello world"),
    ("a <tag> b [noise] c {x} d", "a b c d"),
    ("a (nested (brackets) here) b", "a b"),
    ("Don't STOP -- twenty-five o'er 'tis", "don't stop twenty five o'er tis"),
    ("Mr. Smith met Dr. Jones", "mister smith met doctor jones"),
])
def test_normalization(text, spoken):
    a = analyze_corpus(text, set())
    assert " ".join(a.sentences) == spoken


def test_numbers():
    assert cardinal(0) == "zero"
    assert cardinal(101) == "one hundred one"
    assert cardinal(2_000_019) == "two million nineteen"
    assert ordinal(20) == "twentieth"
    assert ordinal(100) == "one hundredth"
    assert decimal("3.5") == "three point five"


def test_sentences_and_counts():
    a = analyze_corpus("The zorblax ran. Then it stopped!\nZorblax again?\n\n", {"the", "ran", "then", "it",
                                                                                  "stopped", "again"})
    assert a.sentences == ["the zorblax ran", "then it stopped", "zorblax again"]
    assert a.total_words == 8
    assert a.oov_counts == {"zorblax": 2}


def test_arctic_corpus():
    text = (DATA / "corpora" / "arctic" / "prompts.txt").read_text(encoding="utf-8")
    a = analyze_corpus(text, set())
    assert len(a.sentences) >= 1002
    assert not any(ch.isdigit() for s in a.sentences for ch in s)
    assert a.total_words == sum(len(s.split()) for s in a.sentences)
