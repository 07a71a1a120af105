"""The JSON bodies of §5.3, from engine results.

Times are 100-ns ticks as JSON integers (the current documentation; old
examples quote them as strings), confidences and scores JSON numbers. Key
order follows the documented examples. ``simple``::

    {"RecognitionStatus": "Success", "DisplayText": "Remind me to buy 5 pencils.",
     "Offset": 1800000, "Duration": 21500000}

``detailed`` replaces ``DisplayText`` by ``NBest``, one entry per lattice
hypothesis (best first), each with its own ``Confidence`` (the mean lattice
posterior of its words), its four text forms and, when asked, ``Words``
(``wordLevelTimestamps``: ``Word``, ``Offset``, ``Duration``,
``Confidence``) or the pronunciation scores (``PronScore``,
``AccuracyScore``, ``FluencyScore``, ``CompletenessScore``, ``Words`` with
``Word``, ``AccuracyScore``, ``ErrorType``, ``Offset``, ``Duration`` and
``Phonemes``). Scores the request did not ask for (``Basic`` dimension,
coarser granularity) are left out rather than null.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from ..formatting import TextForms, is_profane, mask_word
from ..pronunciation import PronunciationAssessment, WordAssessment
from ..results import WordResult

__all__ = ["ticks", "span", "status_body", "simple_body", "detailed_body", "nbest_entry", "timed_words", "assessed_entry"]

TICKS_PER_SECOND = 10_000_000


def ticks(seconds: float) -> int:
    """Seconds as 100-ns ticks."""
    return int(round(seconds * TICKS_PER_SECOND))


def status_body(status: str, offset: float, duration: float) -> dict[str, Any]:
    """The body of a request that recognized nothing (any status but ``Success``)."""
    return {"RecognitionStatus": status, "Offset": ticks(offset), "Duration": ticks(max(0.0, duration))}


def simple_body(display: str, start: float, end: float) -> dict[str, Any]:
    """``format=simple`` for a recognized utterance."""
    return {"RecognitionStatus": "Success", "DisplayText": display, "Offset": ticks(start),
            "Duration": ticks(end - start)}


def detailed_body(start: float, end: float, nbest: list[dict[str, Any]]) -> dict[str, Any]:
    """``format=detailed`` for a recognized utterance."""
    return {"RecognitionStatus": "Success", "Offset": ticks(start), "Duration": ticks(end - start), "NBest": nbest}


def nbest_entry(forms: TextForms, words: Sequence[WordResult], lexical: Sequence[str], profanity: str,
                word_timestamps: bool) -> dict[str, Any]:
    """One ``NBest`` entry of a hypothesis: ``words`` as recognized,
    ``lexical`` their lexical forms (custom words before ``display_as``)."""
    confidences = [w.confidence for w in words if w.confidence is not None]
    entry: dict[str, Any] = {
        "Confidence": round(sum(confidences) / len(confidences), 4) if confidences else 0.0,
        "Lexical": forms.lexical,
        "ITN": forms.itn,
        "MaskedITN": forms.masked_itn,
        "Display": forms.display,
    }
    if word_timestamps:
        entry["Words"] = timed_words(words, lexical, profanity)
    return entry


def timed_words(words: Sequence[WordResult], lexical: Sequence[str], profanity: str) -> list[dict[str, Any]]:
    """``Words`` of ``wordLevelTimestamps``, masked as ``MaskedITN`` is."""
    out = []
    for w, text in zip(words, lexical):
        if profanity != "raw" and is_profane(text):
            if profanity == "removed":
                continue
            text = mask_word(text)
        out.append({"Word": text, "Offset": ticks(w.start), "Duration": ticks(w.end - w.start),
                    "Confidence": w.confidence if w.confidence is not None else 0.0})
    return out


def assessed_entry(entry: Mapping[str, Any], assessment: PronunciationAssessment) -> dict[str, Any]:
    """``entry`` (an ``NBest`` entry) with the pronunciation scores, in the
    documented order; its ``Words`` become the assessed words when the
    granularity has words."""
    out = {k: v for k, v in entry.items() if k != "Words"}
    for key, value in (("PronScore", assessment.pron_score), ("AccuracyScore", assessment.accuracy_score),
                       ("FluencyScore", assessment.fluency_score),
                       ("CompletenessScore", assessment.completeness_score)):
        if value is not None:
            out[key] = value
    if assessment.granularity != "FullText":
        out["Words"] = [_assessed_word(w) for w in assessment.words]
    elif "Words" in entry:
        out["Words"] = entry["Words"]
    return out


def _assessed_word(word: WordAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {"Word": word.word, "AccuracyScore": word.accuracy_score}
    if word.error_type is not None:
        out["ErrorType"] = word.error_type
    out["Offset"] = ticks(word.offset)
    out["Duration"] = ticks(word.duration)
    if word.phonemes:
        out["Phonemes"] = [_phoneme(p) for p in word.phonemes]
    return out


def _phoneme(p: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Phoneme": p.phoneme, "AccuracyScore": p.accuracy_score, "Offset": ticks(p.offset),
                           "Duration": ticks(p.duration)}
    if p.nbest_phonemes:
        out["NBestPhonemes"] = [{"Phoneme": c.phoneme, "Score": c.score} for c in p.nbest_phonemes]
    return out


def span(words: Sequence[WordResult]) -> Optional[tuple[float, float]]:
    """(start of the first word, end of the last) in seconds, or None."""
    return (words[0].start, words[-1].end) if words else None
