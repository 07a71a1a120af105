"""How a segmenter span's decoding units become the phrases a user sees.

The phrase pipeline (:mod:`asr_engine.phrase_decoding`) decodes audio in
*units*, cut at short pauses so that each sentence starts a fresh LM
sentence; a reported :class:`~asr_engine.results.Phrase` is the words of
one or more units between two pauses of at least
``end_of_phrase_silence_time``. The pause is measured where the decoder puts
the words, not where the speech detector puts speech: the detector's
smoothing and hangover measure some true pauses short, and room tone it
takes for speech hides others inside one unit. So:

* a unit whose words have such a pause between them is cut there
  (:func:`unit_parts`);
* a phrase ends where the next unit's first word starts that long after the
  last word, or where the evidence shows no later word can start sooner
  (:func:`phrase_groups`'s ``reach``, asked at :func:`probe_frame`);
* a phrase whose words are no speech by the decoder's own evidence (shorter
  together than :data:`MIN_SPOKEN_SECONDS`, none of them confident) or by
  the speech detector's over the frames the decoder gave them
  (:class:`SpeechEvidence`) is a click, a breath or a noise burst the
  detector's smoothing let through, and is not reported (:func:`is_noise`).

Everything here is a function of the units' words and frame positions, so a
one-shot decode, a stream in any chunking and a batch chunk group alike.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np

from .phrases.segmenter import PhraseSpan
from .results import Alternative, KeywordMatch, Phrase, Result, WordResult

__all__ = ["MIN_SPOKEN_SECONDS", "NOISE_CONFIDENCE", "SpeechEvidence", "group_phrase", "is_noise", "join_phrases", "merge_units",
           "phrase_groups", "phrases_of_units", "probe_frame", "speech_edges_seconds", "unit_parts"]

#: A phrase whose spoken words last less than this in all (seconds)...
MIN_SPOKEN_SECONDS = 0.2
#: ... and none of which has this confidence is noise (see :func:`is_noise`).
NOISE_CONFIDENCE = 0.5


@dataclass(frozen=True)
class SpeechEvidence:
    """The speech detector's smoothed per-frame scores (log-odds of speech)
    over a stretch of frames, to weigh the frames the decoder put words in.

    The detector opens a phrase once its smoothed score has stayed above the
    threshold for ``min_speech``; a click or a breath in a pause can reach
    that for a moment (the window spreads its peak), and the decoder then
    fits a word to it. Over the frames of such a phrase's words the mean
    score is below zero (non-speech more likely: "what", "yep", "up but" in
    the 60-minute bench file's pauses score -2.5 to -0.7), over spoken words
    above it, whispers included (the lowest phrase of real speech there, a
    whisper, scores 0.45; the shortest, "no", 5.7).

    Attributes:
        scores: smoothed score of frames ``first`` on.
        first: absolute index of the first frame of ``scores``.
        frame_rate: frames per second.
        cutoff: mean score below which words are no speech: 0 (even odds) at
            the default ``speech_detector_sensitivity``, moved with it as the
            detector's threshold is (-inf at 1: nothing is suppressed).
    """

    scores: np.ndarray
    first: int
    frame_rate: float
    cutoff: float = 0.0

    @staticmethod
    def cutoff_for(sensitivity: float, scale: float) -> float:
        """The cutoff at a detector ``sensitivity`` (threshold shift ``scale`` per logit)."""
        if sensitivity >= 1.0:
            return -math.inf
        if sensitivity <= 0.0:
            return math.inf
        return scale * math.log((1.0 - sensitivity) / sensitivity)

    def mean(self, words: Iterable[WordResult]) -> Optional[float]:
        """Mean score over the frames of ``words`` (None when none is held)."""
        total, count = 0.0, 0
        for w in words:
            a = max(0, int(round(w.start * self.frame_rate)) - self.first)
            b = min(len(self.scores), int(round(w.end * self.frame_rate)) - self.first)
            if b > a:
                total += float(np.sum(self.scores[a:b], dtype=np.float64))
                count += b - a
        return total / count if count else None


def is_noise(words: Iterable[WordResult], evidence: Optional[SpeechEvidence] = None) -> bool:
    """Whether a phrase's words say it holds no speech: their spoken words
    last less than :data:`MIN_SPOKEN_SECONDS` together and none has
    :data:`NOISE_CONFIDENCE`, or the detector's mean score over their frames
    is below ``evidence``'s cutoff.

    The detector opens a phrase on a run of speech decisions of at least
    ``min_speech`` (0.3 s), which a click, a breath or a burst of noise
    stretched by its smoothing reaches; the decoder then fits silence and
    fillers to most of it and squeezes a word into a few frames (one 3-state
    phone: 0.03 s) with a low posterior. Isolated spoken words last longer:
    the shortest phrase on the dev set, decoded phrase by phrase with either
    model, is 0.25 s ("right", confidence 0.86), the shortest unsure one
    0.27 s ("five", 0.14); the noise phrases of the 60-minute bench file last
    0.03-0.22 s with confidences of 0.04-0.19. Longer ones (0.4-0.7 s) the
    detector's own scores tell (:class:`SpeechEvidence`)."""
    spoken = _spoken(words)
    if not spoken:
        return True
    if evidence is not None:
        odds = evidence.mean(spoken)
        if odds is not None and odds < evidence.cutoff:
            return True
    total = sum(w.end - w.start for w in spoken)
    return total < MIN_SPOKEN_SECONDS and all((w.confidence or 0.0) < NOISE_CONFIDENCE for w in spoken)


def _sample_at(unit: Phrase, t: float) -> int:
    """The sample of time ``t`` (seconds) inside ``unit``."""
    if unit.end <= unit.start:
        return unit.start_sample
    rate = (unit.end_sample - unit.start_sample) / (unit.end - unit.start)
    return min(unit.end_sample, max(unit.start_sample, unit.start_sample + int(round((t - unit.start) * rate))))


def unit_parts(unit: Phrase, silence: float) -> list[Phrase]:
    """``unit`` cut at each pause of at least ``silence`` seconds between its
    spoken words (the middle of the pause), or ``[unit]`` when it has none.

    The detector kept the unit whole because it took the pause for speech
    (room tone, a breath, a low hum), but the decoder found no word there.
    A part keeps its own words, fillers, keywords and confusion-network bins
    (by time); the unit's n-best covers all of it, so parts have none."""
    spoken = _spoken(unit.words)
    cuts = [round((a.end + b.start) / 2, 3) for a, b in zip(spoken, spoken[1:]) if b.start - a.end >= silence]
    if not cuts:
        return [unit]
    edges = [unit.start] + cuts + [unit.end]
    parts = []
    for a, b in zip(edges, edges[1:]):
        def inside(t: float) -> bool:
            return a <= t < b or (b == unit.end and t == b)
        words = [w for w in unit.words if inside((w.start + w.end) / 2)]
        conf = [w.confidence for w in words if w.confidence is not None]
        sp = _spoken(words)
        parts.append(replace(
            unit, start=a, end=b, transcript=" ".join(w.word for w in words),
            confidence=round(float(np.mean(conf)), 4) if conf else 0.0, words=words, alternatives=[],
            start_sample=_sample_at(unit, a), end_sample=_sample_at(unit, b),
            keywords={k: [m for m in ms if inside(m.start)] for k, ms in unit.keywords.items()
                      if any(inside(m.start) for m in ms)},
            word_alternatives=[x for x in unit.word_alternatives if inside(x.start)],
            speech_start=sp[0].start if sp else None, speech_end=sp[-1].end if sp else None))
    return parts


def speech_edges_seconds(span: PhraseSpan, step: float, words: Iterable[WordResult] = ()) \
        -> tuple[Optional[float], Optional[float]]:
    """A phrase's speech edges in seconds: its first word's start and last
    word's end when it has words (the decoder's alignment places them closer
    to forced alignment than the detector: boundaries within 0.2 s 92 %
    against 82 % on the 10-minute bench file), else the span's corrected
    detector edges (None when unknown)."""
    spoken = _spoken(words)
    if spoken:
        return round(spoken[0].start, 3), round(spoken[-1].end, 3)
    if span.speech_start < 0 or span.speech_end < 0:
        return None, None
    return round(span.speech_start * step, 3), round(span.speech_end * step, 3)


def _pooled(pieces: list[Phrase]) -> tuple[list[WordResult], float, dict[str, list[KeywordMatch]], Optional[float]]:
    """What a phrase made of ``pieces`` (units or phrases, in order) takes
    from them: their words, the mean word confidence, the keyword matches,
    and the rejection margin weighted by duration (None when none has one)."""
    words = [w for p in pieces for w in p.words]
    conf = [w.confidence for w in words if w.confidence is not None]
    keywords: dict[str, list[KeywordMatch]] = {}
    for p in pieces:
        for k, ms in p.keywords.items():
            keywords.setdefault(k, []).extend(ms)
    margins = [(p.rejection_margin, p.end - p.start) for p in pieces if p.rejection_margin is not None]
    margin = None
    if margins:
        total = sum(w for _m, w in margins)
        margin = round(sum(m * w for m, w in margins) / total, 4) if total > 0 else margins[0][0]
    return words, round(float(np.mean(conf)), 4) if conf else 0.0, keywords, margin


def merge_units(units: list[Phrase], span: PhraseSpan, samples_per_frame: float, frame_rate: float) -> Phrase:
    """One reported phrase from the decoding units inside it."""
    step = 1.0 / frame_rate
    words, confidence, keywords, margin = _pooled(units)
    alternatives = list(units[0].alternatives) if len(units) == 1 else []
    return Phrase(round(span.start * step, 3), round(span.end * step, 3), " ".join(w.word for w in words),
                  confidence, words, alternatives, span.reason,
                  int(round(span.start * samples_per_frame)), int(round(span.end * samples_per_frame)),
                  bool(units) and all(u.rejected for u in units), margin, keywords,
                  [b for u in units for b in u.word_alternatives], *speech_edges_seconds(span, step, words))


def _spoken(words: Iterable[WordResult]) -> list[WordResult]:
    return [w for w in words if w.word and not w.word.startswith(("<", "[", "++"))]


def probe_frame(units: list[Phrase], reach: list[Optional[float]], silence: float, frame_rate: float,
                start_frame: int) -> Optional[int]:
    """The absolute frame at which a unit starting at ``start_frame`` is
    asked whether a word has begun (:meth:`PhraseDecoder.silent_so_far`):
    the end of the pause after the open group's last spoken word, when the
    unit starts inside that pause; None when there is nothing to decide."""
    groups, closed = phrase_groups(units, silence, reach)
    if closed or not groups[-1]:
        return None
    spoken = _spoken(w for u in groups[-1] for w in u.words)
    if not spoken:
        return None
    last = spoken[-1].end
    f = int(math.ceil((last + silence) * frame_rate - 1e-6))
    while round(f / frame_rate, 3) - last < silence:  # the reach it sets must pass phrase_groups' test
        f += 1
    return f if f > start_frame else None


def phrase_groups(units: list[Phrase], silence: float, reach: Optional[list[Optional[float]]] = None,
                  grammar: bool = False) -> tuple[list[list[Phrase]], bool]:
    """The decoding units of one segmenter span grouped into reported
    phrases, and whether the last group is closed (no later unit joins it).
    A unit with such a pause inside is cut there first (:func:`unit_parts`;
    not with a ``grammar``, whose result is one sentence of it).

    A phrase ends where the decoder's evidence shows a pause of at least
    ``silence`` seconds after its last spoken word (the detector's smoothing
    and hangover measure some true pauses short, and merged them):

    * the next unit's first spoken word starts ``silence`` or more after it;
    * or ``reach[i]`` (seconds), the earliest start any later spoken word
      could still have, seen at exact frame positions after unit ``i``
      closed (until the next unit opened or the span closed: the earliest
      start of a later unit, or the frame up to which the next unit's
      decoder found no word, :func:`probe_frame`), is ``silence`` or more
      after it: whatever comes next starts after the pause, so the phrase
      is over and a stream reports it then, not when the span closes.

    Both are decided at frame positions, never at chunk boundaries, so a
    one-shot decode and a stream in any chunking group alike.
    """
    groups: list[list[Phrase]] = [[]]
    last_end: Optional[float] = None
    for i, unit in enumerate(units):
        for u in ([unit] if grammar else unit_parts(unit, silence)):
            spoken = _spoken(u.words)
            if spoken and last_end is not None and spoken[0].start - last_end >= silence:
                groups.append([])
            groups[-1].append(u)
            if spoken:
                last_end = spoken[-1].end
        r = reach[i] if reach is not None and i < len(reach) else None
        if last_end is not None and r is not None and r - last_end >= silence:
            groups.append([])
            last_end = None
    closed = len(groups) > 1 and not groups[-1]
    if closed:
        groups.pop()
    return groups, closed


def group_phrase(group: list[Phrase], k: int, last: bool, span: PhraseSpan, samples_per_frame: float,
                 frame_rate: float, grammar: bool = False,
                 evidence: Optional[SpeechEvidence] = None) -> Optional[Phrase]:
    """The reported phrase of group ``k`` of ``span`` (``last``: the group
    the span's close ends, which takes the span's end and reason), or None
    for a group that is not rejected and has no words (a breath, a click, a
    recording's start: the decoder found only silence and fillers there;
    the one-piece path drops them too) or, without a ``grammar``, only
    noise's (:func:`is_noise`, with the detector's ``evidence`` when given)."""
    if k == 0 and last:
        sub = span
    else:
        sub = PhraseSpan(span.start if k == 0 else int(round(group[0].start_sample / samples_per_frame)),
                         span.end if last else int(round(group[-1].end_sample / samples_per_frame)),
                         span.reason if last else "silence")
    phrase = merge_units(group, sub, samples_per_frame, frame_rate)
    if phrase.rejected:
        return phrase
    return None if not _spoken(phrase.words) or (not grammar and is_noise(phrase.words, evidence)) else phrase


def phrases_of_units(units: list[Phrase], span: PhraseSpan, samples_per_frame: float, frame_rate: float,
                     silence: float, reach: Optional[list[Optional[float]]] = None,
                     grammar: bool = False, evidence: Optional[SpeechEvidence] = None) -> list[Phrase]:
    """The reported phrases of one closed segmenter span, from its decoding
    units (grouped by :func:`phrase_groups`; ``reach`` and ``grammar`` as
    there; ``evidence`` as :func:`group_phrase`'s). Each phrase needs only
    its own span's units, so a batch chunk decides it alone."""
    groups, closed = phrase_groups(units, silence, reach, grammar)
    out = []
    for k, group in enumerate(groups):
        phrase = group_phrase(group, k, k == len(groups) - 1 and not closed, span, samples_per_frame, frame_rate,
                              grammar, evidence)
        if phrase is not None:
            out.append(phrase)
    return out


def join_phrases(phrases: list[Phrase], duration: float, final: bool = True) -> Result:
    """The whole audio's result: the phrases' words and transcripts joined."""
    words, confidence, keywords, margin = _pooled(phrases)
    alternatives: list[Alternative] = list(phrases[0].alternatives) if len(phrases) == 1 else []
    result = Result(" ".join(p.transcript for p in phrases if p.transcript),
                    confidence, words, alternatives, round(duration, 3), final,
                    rejected=bool(phrases) and all(p.rejected for p in phrases), rejection_margin=margin,
                    keywords=keywords, word_alternatives=[b for p in phrases for b in p.word_alternatives],
                    phrases=list(phrases))
    if not math.isfinite(result.confidence or 0.0):
        result.confidence = 0.0
    return result
