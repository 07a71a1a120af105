"""What an assessment returns: plain dataclasses, JSON-ready through ``to_dict``.

Scores are on the requested grading system's scale (0-100 for
``HundredMark``, 0-5 for ``FivePoint``); times are seconds from the start of
the audio (the Azure façade turns them into 100-ns ticks). A score the
request did not ask for is None.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

__all__ = ["PhonemeCandidate", "PhonemeAssessment", "WordAssessment", "PronunciationAssessment"]


@dataclass(frozen=True)
class PhonemeCandidate:
    """One spoken-phoneme candidate for an expected phoneme (``NBestPhonemes``).

    Attributes:
        phoneme: the candidate, in the requested alphabet.
        score: 100 for the best-fitting candidate; others ``100 * exp(margin)``
            with ``margin`` their per-frame log-likelihood below the best.
    """

    phoneme: str
    score: float


@dataclass(frozen=True)
class PhonemeAssessment:
    """One expected phoneme of a reference word."""

    phoneme: str
    accuracy_score: float
    offset: float
    duration: float
    nbest_phonemes: list[PhonemeCandidate] = field(default_factory=list)


@dataclass(frozen=True)
class WordAssessment:
    """One reference word, or a spoken word the reference lacks (``Insertion``).

    Attributes:
        word: the word as the reference text spells it (punctuation removed),
            or as recognized for an insertion.
        accuracy_score: the word's accuracy (0 for insertions and omissions).
        error_type: ``None``, ``Omission``, ``Insertion`` or
            ``Mispronunciation`` (as strings); Python ``None`` when the
            request asked for neither ``Comprehensive`` nor miscue detection.
        offset: start in seconds.
        duration: length in seconds.
        phonemes: the word's phonemes at ``Phoneme`` granularity, else empty.
    """

    word: str
    accuracy_score: float
    error_type: Optional[str]
    offset: float
    duration: float
    phonemes: list[PhonemeAssessment] = field(default_factory=list)


@dataclass(frozen=True)
class PronunciationAssessment:
    """Scores of one utterance against its reference text.

    Attributes:
        accuracy_score: full-text accuracy (mean over the reference words).
        fluency_score: pauses and speaking rate against native speech
            (``Comprehensive`` only).
        completeness_score: share of reference words pronounced, on the
            grading scale (``Comprehensive`` only).
        pron_score: weighted aggregate of the three (``Comprehensive`` only;
            ``Basic`` gives accuracy only).
        words: per word at ``Word`` and ``Phoneme`` granularity, in time order.
        grading_system, granularity, dimension: what was asked.
    """

    accuracy_score: float
    fluency_score: Optional[float]
    completeness_score: Optional[float]
    pron_score: Optional[float]
    words: list[WordAssessment]
    grading_system: str
    granularity: str
    dimension: str

    def to_dict(self) -> dict[str, object]:
        """The assessment as JSON-ready dicts and lists."""
        return asdict(self)
