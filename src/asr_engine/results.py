"""What recognition returns: plain dataclasses, JSON-ready through ``to_dict``.

Units, everywhere: times in seconds from the start of the audio;
confidences are posterior probabilities in [0, 1]; ``score`` fields are
natural-log path scores (acoustic log-likelihood plus weighted LM
log-probability and penalties) with no absolute meaning, only comparable
within one utterance; ``rejection_margin`` is in nats per 10 ms frame.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .phrases.audio_metrics import AudioMetrics

__all__ = ["WordResult", "Alternative", "KeywordMatch", "WordAlternatives", "SpeakerLabel", "Phrase", "Result"]


@dataclass(frozen=True)
class WordResult:
    """One recognised word.

    Attributes:
        word: the word as the dictionary spells it (alternate pronunciations
            such as ``read(2)`` are reported as ``read``).
        start: start time in seconds from the start of the audio.
        end: end time in seconds.
        confidence: posterior probability of the word in the lattice, in
            [0, 1]; None in partial (interim) results, which have no lattice.
    """

    word: str
    start: float
    end: float
    confidence: Optional[float]

    def to_dict(self) -> dict[str, object]:
        """The word as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Alternative:
    """One n-best hypothesis.

    Attributes:
        transcript: its words joined by spaces.
        confidence: posterior probability of this word sequence's best path
            among all paths of the lattice, in [0, 1].
        words: its words with times and word posteriors.
        score: its natural-log path score (see the module docstring), for
            ranking within one utterance.
    """

    transcript: str
    confidence: float
    words: list[WordResult] = field(default_factory=list)
    score: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """The hypothesis as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class KeywordMatch:
    """One spotted occurrence of a keyword.

    Attributes:
        text: the words that matched, as the dictionary spells them (their
            ``display_as`` for custom words), joined by spaces.
        start: start time of its first word, in seconds.
        end: end time of its last word, in seconds.
        confidence: posterior probability of the keyword there: the summed
            probability of the lattice paths that say it over that time, in [0, 1].
    """

    text: str
    start: float
    end: float
    confidence: float

    def to_dict(self) -> dict[str, object]:
        """The match as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class WordAlternatives:
    """One bin of the confusion network: the words competing over a stretch of time.

    Attributes:
        start: start time of the bin in seconds.
        end: end time in seconds.
        alternatives: ``(word, confidence)`` pairs, most probable first, each
            word's posterior probability of being said in this bin (words as
            the dictionary spells them).
    """

    start: float
    end: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The bin as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class SpeakerLabel:
    """Who said one recognized word (the services' ``speaker_labels`` entry).

    Attributes:
        start: the word's start time in seconds (the services' ``from``).
        end: the word's end time in seconds (``to``).
        speaker: the speaker, numbered from 0 in order of first speech.
        confidence: posterior probability of that speaker over the word, in [0, 1].
        final: True only on the last label of the result.
    """

    start: float
    end: float
    speaker: int
    confidence: float
    final: bool = False

    def to_dict(self) -> dict[str, object]:
        """The label as the services' JSON (``from``, ``to``, ``speaker``, ``confidence``, ``final``)."""
        return {"from": self.start, "to": self.end, "speaker": self.speaker, "confidence": self.confidence,
                "final": self.final}


@dataclass
class Phrase:
    """One phrase: a stretch of speech between pauses, decoded on its own.

    Attributes:
        start: start of the phrase's audio in seconds (its speech less a
            little leading silence).
        end: end of the phrase's audio in seconds.
        transcript: its best hypothesis, words joined by spaces.
        confidence: mean word confidence in [0, 1] (0.0 without words).
        words: its words, times in seconds from the start of the audio.
        alternatives: its n-best hypotheses when ``max_alternatives`` > 1.
        end_of_utterance: why it ended: ``silence`` (a pause of at least
            ``end_of_phrase_silence_time``), ``reset`` (2 minutes of
            continuous speech), ``end_of_data``, or ``full_stop`` (a sentence
            end inside a pause, with ``split_transcript_at_phrase_end``).
        start_sample: first sample of the phrase at the recognizer's rate
            (for per-phrase hooks: audio metrics, speaker labels).
        end_sample: one past its last sample.
        rejected: with a grammar, the phrase was rejected as out of grammar.
        rejection_margin: as :attr:`Result.rejection_margin`, for this phrase.
        keywords: as :attr:`Result.keywords`, within this phrase.
        word_alternatives: as :attr:`Result.word_alternatives`, within this phrase.
        speech_start: where its speech starts in seconds: its first
            word's start, or without words the speech detector's edge
            corrected for its known delay; None if unknown.
        speech_end: where its speech ends in seconds (its last word's end, likewise).
    """

    start: float
    end: float
    transcript: str
    confidence: float
    words: list[WordResult] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    end_of_utterance: str = "end_of_data"
    start_sample: int = 0
    end_sample: int = 0
    rejected: bool = False
    rejection_margin: Optional[float] = None
    keywords: dict[str, list[KeywordMatch]] = field(default_factory=dict)
    word_alternatives: list[WordAlternatives] = field(default_factory=list)
    speech_start: Optional[float] = None
    speech_end: Optional[float] = None

    def to_dict(self) -> dict[str, object]:
        """The phrase as JSON-ready dicts and lists."""
        return asdict(self)


@dataclass
class Result:
    """The result of recognising one utterance (or a stream so far).

    Attributes:
        transcript: the best hypothesis, words joined by spaces ("" for
            silence or a rejected grammar result).
        confidence: mean word confidence in [0, 1]; 0.0 when nothing was
            recognised; None in partial results.
        words: the best hypothesis's words, with times in seconds.
        alternatives: n-best hypotheses, best first, when
            ``max_alternatives`` > 1 (the first is the best hypothesis).
        duration: length of the audio in seconds.
        final: False for a stream's interim (partial) results.
        rejected: True when a grammar's best sentence was rejected as out of
            grammar (``transcript`` is then ""); always False without a grammar.
        rejection_margin: with a grammar, the best sentence's acoustic score
            minus a free phone loop's, in nats per frame; the result is
            rejected when it is below ``-rejection_threshold``. None without
            a grammar, or when no sentence of the grammar reached the end of
            the audio (then ``rejected`` is True). Without a grammar it is set
            when ``score_against_phone_loop`` asks (the recognized words'
            span against the loop; never rejected).
        keywords: with ``keywords=``, each keyword that matched, as given
            (its key), with its matches at confidence >= ``keywords_threshold``
            in time order; keywords that did not match are left out.
        word_alternatives: with ``word_alternatives_threshold=``, the
            confusion network's bins in time order, each with its words of
            confidence >= the threshold (bins without one are left out).
        phrases: the audio's phrases in time order (see :class:`Phrase`);
            ``transcript`` and ``words`` are their concatenation. Interim
            results carry the phrases that became final with that chunk.
        audio_metrics: with ``audio_metrics=True``, the services' signal
            statistics of the whole audio (:mod:`asr_engine.phrases.audio_metrics`).
        speaker_labels: with ``speaker_labels=True``, one label per word of
            ``words`` (who said it), in time order; [] without words.
    """

    transcript: str
    confidence: Optional[float]
    words: list[WordResult] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    duration: float = 0.0
    final: bool = True
    rejected: bool = False
    rejection_margin: Optional[float] = None
    keywords: dict[str, list[KeywordMatch]] = field(default_factory=dict)
    word_alternatives: list[WordAlternatives] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    audio_metrics: Optional["AudioMetrics"] = None
    speaker_labels: Optional[list[SpeakerLabel]] = None

    def to_dict(self) -> dict[str, object]:
        """The result as JSON-ready dicts and lists."""
        return asdict(self)
