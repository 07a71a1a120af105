"""Corpus text analysis for custom language models.

:func:`analyze_corpus` turns the raw text a user adds as a corpus into the
sentences a language model is trained on, and finds the words the base
vocabulary lacks. The normalization is the one the IBM service documents for
corpora (``cloud-stt-api.md`` section 2.3):

* numbers, currency amounts and percentages become words
  (``500`` -> ``five hundred``, ``$100`` -> ``one hundred dollars``,
  ``100%`` -> ``one hundred percent``, ``0.15`` -> ``zero point fifteen``,
  ``€5`` -> ``five euros``, ``21st`` -> ``twenty first``); a currency sign
  not followed by a number is dropped;
* phrases in ``( )``, ``< >``, ``[ ]`` and ``{ }`` are ignored;
* hyphens and dashes separate words, other punctuation is removed
  (apostrophes inside words are kept: ``don't``, ``o'er``), and text is
  case-folded, as the lower-case dictionary wants (:func:`normalize_text`);
* a line break or a sentence end (``.``, ``!``, ``?``, ``;``, ``:``
  followed by a space) ends a sentence.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Container, Iterable

from . import numbers
from .training import normalize_text

_BRACKETED = re.compile(r"\([^()]*\)|<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}")
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_CURRENCY = {"$": ("dollar", "dollars", "cent", "cents"), "€": ("euro", "euros", "cent", "cents"),
             "£": ("pound", "pounds", "penny", "pence"), "¥": ("yen", "yen", "sen", "sen")}
_MONEY = re.compile(r"([$€£¥])\s?(" + _NUMBER + r")(?:\s?(million|billion|thousand|trillion)\b)?")
_PERCENT = re.compile(r"(" + _NUMBER + r")\s?%")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"(?<![\w.])(" + _NUMBER + r")")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_DASHES = re.compile(r"[-\u2010-\u2015_/]+")
_ABBREVIATIONS = {"mr.": "mister", "mrs.": "missus", "dr.": "doctor", "st.": "saint", "etc.": "et cetera",
                  "vs.": "versus", "no.": "number"}
_ABBREVIATION = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?=\s|$)",
                           re.IGNORECASE)


@dataclass
class CorpusAnalysis:
    """What :func:`analyze_corpus` found in one corpus."""

    sentences: list[str] = field(default_factory=list)
    """Normalized sentences (lower case, words separated by one space), for LM training."""
    total_words: int = 0
    """Words in all sentences (the service's ``total_words``)."""
    oov_counts: dict[str, int] = field(default_factory=dict)
    """Words the vocabulary lacks, with their number of occurrences, most frequent first."""


def _money(m: re.Match) -> str:
    one, many, sub_one, sub_many = _CURRENCY[m.group(1)]
    amount, scale = m.group(2).replace(",", ""), m.group(3)
    if scale:
        return f"{numbers.decimal(amount)} {scale} {many}"
    whole, _, frac = amount.partition(".")
    whole_n = int(whole) if whole else 0
    out = f"{numbers.cardinal(whole_n)} {one if whole_n == 1 else many}"
    if frac and len(frac) <= 2 and int(frac):
        cents = int(frac.ljust(2, "0"))
        part = f"{numbers.cardinal(cents)} {sub_one if cents == 1 else sub_many}"
        out = part if whole_n == 0 else f"{out} {part}"
    elif frac and int(frac):
        out = f"{numbers.decimal(amount)} {many}"
    return out


def verbalize(text: str) -> str:
    """Spell out currency, percentages, ordinals and numbers in ``text``."""
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
    text = _MONEY.sub(lambda m: " " + _money(m) + " ", text)
    text = re.sub(r"[$€£¥]", " ", text)
    text = _PERCENT.sub(lambda m: " " + numbers.decimal(m.group(1)) + " percent ", text)
    text = _ORDINAL.sub(lambda m: " " + numbers.ordinal(int(m.group(1))) + " ", text)
    return _PLAIN_NUMBER.sub(lambda m: " " + numbers.decimal(m.group(1)) + " ", text)


def strip_brackets(line: str) -> str:
    """One line without its bracketed phrases (nested ones too)."""
    line = _BRACKETED.sub(" ", line)
    while True:  # nested brackets: remove innermost first
        stripped = _BRACKETED.sub(" ", line)
        if stripped == line:
            return line
        line = stripped


def normalize_sentences(text: str) -> list[str]:
    """The corpus text as normalized sentences (see the module docs); empty ones dropped."""
    out = []
    for line in text.splitlines():
        line = strip_brackets(line)
        line = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], line)
        for part in _SENTENCE_END.split(line):
            words = normalize_text(_DASHES.sub(" ", verbalize(part)))
            # Apostrophes at the edges of a word are quotes, not letters.
            words = " ".join(w for w in (t.strip("'") for t in words.split()) if w)
            if words:
                out.append(words)
    return out


def analyze_corpus(text: str, vocabulary: Container[str] | Iterable[str]) -> CorpusAnalysis:
    """Normalize a corpus and find its out-of-vocabulary words.

    Args:
        text: the corpus, UTF-8 decoded (one sentence per line is best, but
            sentence ends inside a line are found too).
        vocabulary: the base vocabulary: anything supporting ``word in
            vocabulary`` (a :class:`asr_engine.Dictionary`, a set, a language
            model); an iterable that does not is made into a set.

    Returns:
        :class:`CorpusAnalysis` with the sentences, ``total_words`` and the
        OOV words with their counts.
    """
    if not hasattr(vocabulary, "__contains__"):
        vocabulary = set(vocabulary)
    sentences = normalize_sentences(text)
    counts: Counter[str] = Counter()
    total = 0
    for s in sentences:
        words = s.split()
        total += len(words)
        counts.update(words)
    oov = {w: c for w, c in counts.most_common() if w not in vocabulary}
    return CorpusAnalysis(sentences, total, oov)
