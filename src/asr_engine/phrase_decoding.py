"""Phrase-by-phrase decoding: audio in, one final :class:`Phrase` per pause.

The pipeline behind :class:`~asr_engine.Stream` and the long-audio path of
:meth:`~asr_engine.Recognizer.recognize`:

samples → features (without CMN; each decoding unit is normalised by
:class:`~asr_engine.phrases.phrase_cmn.PhraseCmn`: its own mean so far,
blended with a prior that starts as the model's ``cmninit`` and then
carries the previous units' mean) → speech detector → :class:`Segmenter`
→ one :class:`~asr_engine.phrase_unit.PhraseDecoder` per decoding unit (its
own native decoder, started at the unit's first frame and finished at its
last) → the units grouped into phrases (:mod:`asr_engine.phrase_grouping`),
each final built as soon as the evidence shows the phrase has ended.

Memory is bounded by the longest phrase (at most 2 minutes): features wait
in a buffer only until the segmenter has placed them (and, for the open
unit, until it closes), and a closed phrase
keeps only its words. Every call does work proportional to the audio it
brings, never to the audio so far (an interim hypothesis is a backtrace of
the open phrase only).
"""
from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

import numpy as np

from .frontend import FeatureOptions, FeatureStream
from .phrases import SpeechDetector
from .phrases.phrase_cmn import PRIOR_FRAMES, PhraseCmn
from .phrases.segmenter import PhraseSpan, Segmenter, SegmenterOptions
from .phrases.speech_detector import SpeechDecisions
from .phrase_grouping import (SpeechEvidence, group_phrase, join_phrases, merge_units, phrase_groups, phrases_of_units,
                              probe_frame, speech_edges_seconds)
from .phrase_unit import PhraseDecoder, PhraseSettings, loop_margin
from .phrases.sentence_ends import split_at_sentence_ends
from .results import Phrase, Result
from .search import SearchOptions

if TYPE_CHECKING:
    from .recognizer import Recognizer

# PhraseSettings, PhraseDecoder and loop_margin live in phrase_unit, the
# grouping functions in phrase_grouping; they are re-exported for callers.
__all__ = ["DECODE_SPLIT_SILENCE", "PROBE_LOOKAHEAD", "PhraseSettings", "PhraseDecoder", "PhrasePipeline",
           "group_phrase", "loop_margin", "join_phrases", "merge_units", "phrase_groups", "phrases_of_units",
           "probe_frame", "speech_edges_seconds"]


#: Non-speech (seconds) at which decoding restarts inside a phrase.
DECODE_SPLIT_SILENCE = 0.4
#: Longest unit (frames) decoded again with its own mean at its end while the
#: carried CMN prior is still mostly the model's (a stream's first units).
REDECODE_MAX_FRAMES = 400


#: Decisions between two asks of an open unit's decoder for its last word
#: (PhrasePipeline._cut_at_word_pause; also asked when that word's pause
#: would be long enough). Every decision cost 9 % more CPU in a stream
#: (per-frame feeding and CMN).
PAUSE_CHECK_EVERY = 10

#: Frames searched past the probe frame before the decoder is asked whether
#: a word began before it: the best partial path at the probe frame itself
#: still ends in silence for a few frames after a word's onset (5 phrases of
#: the 60-minute bench file ended so at word gaps of 0.66-0.75 s; 4 frames
#: see all of those onsets, 3 miss one). Each frame is 0.01 s more latency
#: for the finals the probe gives (at 5, 0.31 s in bench_stream.py).
PROBE_LOOKAHEAD = 4


class PhrasePipeline:
    """Samples in, final phrases out as soon as each one ends.

    Two endpointers watch the same speech decisions: one reports phrases
    (pauses of ``end_of_phrase_silence_time``), the other cuts decoding
    units at shorter pauses (:data:`DECODE_SPLIT_SILENCE`), so that each
    spoken sentence starts a fresh LM sentence (``<s>``) as it would when
    decoded on its own; a reported phrase is the units inside it.

    Args:
        recognizer: the recognizer whose models are used (never changed).
        options: search options.
        settings: see :class:`PhraseSettings`.
    """

    def __init__(self, recognizer: "Recognizer", options: SearchOptions, settings: PhraseSettings) -> None:
        self._rec = recognizer
        self._opts = options
        self.settings = settings
        # Features without CMN: each unit's decoder gets them normalised by
        # PhraseCmn; the speech detector gets them less the fixed prior mean
        # (a moving mean steps c0, and each step looks to the detector's
        # noise-floor tracking like an onset: with live CMN quiet noise was
        # taken for speech after ~3 s). Against batch CMN the detector's
        # decisions agree on 97 % of dev frames.
        raw = FeatureOptions(recognizer.feature_options.feature_type, "none",
                             recognizer.feature_options.cmn_init, False)
        self._features = FeatureStream(recognizer.frontend_options, raw)
        cepstra = int(recognizer.frontend_options.num_cepstra)
        prior = np.zeros(self._features.dim, np.float32)
        init = list(recognizer.feature_options.cmn_init)[:cepstra]
        prior[:len(init)] = init
        self._prior = prior
        self._cmn = PhraseCmn(cepstra, init)
        self._detector = SpeechDetector(recognizer.acoustic_model, settings.detector)
        # The detector's smoothed scores from the open span's first frame
        # (at most max_phrase_time of them), which weigh its words (SpeechEvidence).
        self._odds = np.zeros(0, np.float32)
        self._odds_start = 0
        self._odds_cutoff = SpeechEvidence.cutoff_for(settings.detector.sensitivity,
                                                      settings.detector.sensitivity_scale)
        seg = settings.segmenter
        self._grammar = settings.grammar is not None
        # Without a grammar the decoder's word gaps end phrases inside a
        # span (phrase_grouping), so a span closes only once its run of
        # non-speech decisions is the whole pause, with no credit for the
        # detector's delays: closed at the corrected pause, 9 spans of the
        # 60-minute bench file ended at word gaps of 0.66-0.75 s.
        self.segmenter = Segmenter(seg if self._grammar else
                                   replace(seg, close_margin=seg.onset_correction + seg.offset_correction))
        # Units count raw non-speech decisions (no edge corrections), at
        # most the phrase's own run, so every phrase boundary is a unit's.
        phrase_run = self.segmenter.silence_frames / seg.frame_rate
        split = phrase_run if settings.grammar is not None else min(DECODE_SPLIT_SILENCE, phrase_run)
        self._units = Segmenter(SegmenterOptions(split, seg.max_phrase_time, min(seg.padding, split / 2),
                                                 seg.frame_rate, 0.0, 0.0, seg.min_speech))
        self._samples_per_frame = recognizer.sample_rate / recognizer.frame_rate
        # Feature frames [buffer_start, buffer_start + len) not yet given to a unit or dropped.
        self._buffer = np.zeros((0, self._features.dim), np.float32)
        self._buffer_start = 0
        self._unit: Optional[PhraseDecoder] = None
        self._done: list[Phrase] = []  # closed units of the open span
        # Per closed unit of the open span: the earliest start (seconds) a
        # later unit could still have, as last seen (phrase_groups' reach).
        self._reach: list[Optional[float]] = []
        self._emitted = 0  # groups of the open span already reported
        self._emitted_until = -math.inf  # end (seconds) of the last of them
        self._probe_at: Optional[int] = None  # see probe_frame
        # The next unit's decoder started early, before the detector's run
        # counted as speech (see _probe_pending_run), waiting to be adopted.
        self._early: Optional[_EarlyUnit] = None
        # What _probe_early asked last (both only grow): the unit start of
        # a pending run, the probe frame in non-speech.
        self._asked_start: Optional[int] = None
        self._asked_frame: Optional[int] = None
        self._probe_of: tuple[int, Optional[int]] = (-1, None)  # (closed units, their probe frame)
        self._fed = 0  # frames of the open unit given to its decoder (absolute index)
        self._next_pause_check = 0  # decision index of _cut_at_word_pause's next ask
        self.samples = 0

    @property
    def frames_decided(self) -> int:
        """Frames the speech detector has decided (the segmenter has placed)."""
        return self.segmenter.frames

    @property
    def last_speech_frame(self) -> int:
        return self.segmenter.last_speech

    @property
    def in_phrase(self) -> bool:
        return self.segmenter.open_start is not None

    def accept(self, samples: np.ndarray) -> list[Phrase]:
        """Feeds samples (float32 at the recognizer's rate); returns the phrases they closed."""
        if samples.size == 0:
            return []
        self.samples += samples.size
        return self._frames(self._features.accept(samples), final=False)

    def finish(self) -> list[Phrase]:
        """Flushes the audio still held and closes the last phrase."""
        return self._frames(self._features.finish(), final=True)

    def interim(self, duration: float) -> Optional[Result]:
        """The open phrase's hypothesis so far, or None between phrases."""
        if self.segmenter.open_start is None:
            return None
        words = [w for u in self._done for w in u.words if (w.start + w.end) / 2 >= self._emitted_until]
        if self._unit is not None:
            words += self._unit.interim(duration).words
        words = [replace(w, confidence=None) for w in words]
        return Result(" ".join(w.word for w in words), None, words, [], round(duration, 3), False)

    def _frames(self, feats: np.ndarray, final: bool) -> list[Phrase]:
        if len(feats):
            self._buffer = np.concatenate([self._buffer, feats]) if len(self._buffer) else np.array(feats)
        speech = self._decided(self._detector.accept(feats - self._prior)) if len(feats) else np.zeros(0, bool)
        if final:
            speech = np.concatenate([np.asarray(speech, bool), self._decided(self._detector.finish())])
        out: list[Phrase] = []
        # Decision by decision, so several phrases closing in one call each
        # take their own frames (the buffer holds every frame not yet placed).
        for s in speech:
            units = self._units.accept((s,))
            spans = self.segmenter.accept((s,))
            if spans:
                units += self._units.cut(spans[0].reason, spans[0].end)
            elif not units:
                units = self._cut_at_word_pause()
            for u in units:
                self._close_unit(u)
                self._reach.append(None)
            for span in spans:
                out.extend(self._close_phrase(span))
                self._reach = []
            if not spans and self._reach:
                self._reach[-1] = max(self._reach[-1] or 0.0, self._earliest_unit_start())
                self._probe_early()
                out.extend(self._ended_phrases())
        if final:
            for u in self._units.finish():
                self._close_unit(u)
                self._reach.append(None)
            for span in self.segmenter.finish():
                out.extend(self._close_phrase(span))
            self._reach = []
        if self._units.open_start is not None:
            self._open(self._units.open_start)
            self._feed_to(self._units.committed)
            if self._reach and self.segmenter.open_start is not None:
                out.extend(self._ended_phrases())  # a probe may have closed one
        self._trim()
        return out

    def _decided(self, decisions: SpeechDecisions) -> np.ndarray:
        """Keeps the decisions' scores; returns their speech flags."""
        if len(decisions):
            assert decisions.first_frame == self._odds_start + len(self._odds)
            self._odds = np.concatenate([self._odds, np.asarray(decisions.scores, np.float32)])
        return decisions.speech

    def evidence(self) -> SpeechEvidence:
        """The detector's scores held (the open span's frames on)."""
        return SpeechEvidence(self._odds, self._odds_start, self._rec.frame_rate, self._odds_cutoff)

    def _open(self, start: int) -> None:
        if self._unit is None or self._unit.start_frame != start:
            early, self._early = self._early, None
            if early is not None and early.decoder.start_frame == start:
                # Started early on the same frames and CMN: the unit's own
                # decoder would be in this very state (probe included).
                self._unit, self._cmn, self._fed = early.decoder, early.cmn, early.fed
                self._probe_at = None
                return
            self._unit = PhraseDecoder(self._rec, self._opts, self.settings, start)
            self._fed = start
            self._cmn.start_unit()
            self._probe_at = probe_frame(self._done, self._reach, self.settings.segmenter.end_of_phrase_silence_time,
                                         self._rec.frame_rate, start)

    def _cut_at_word_pause(self) -> list[PhraseSpan]:
        """The open unit's span, closed where its search stands, when the
        decoder's best partial path shows no spoken word for
        ``end_of_phrase_silence_time`` plus :data:`PROBE_LOOKAHEAD` after its
        last one; else nothing.

        The detector's run goes on over what it takes for speech (room tone,
        a recording's cut-off tail), but the words show the phrase is over:
        its final should not wait for the unit to close, as it did (9.4 s in
        bench_stream.py: sb_example2's tail bridged to the next recording).
        Asked every :data:`PAUSE_CHECK_EVERY` decisions, and at the decision
        where the last word's pause would be long enough, with the unit fed
        up to the committed frames as a stream would have it then, so
        one-shot decoding and streams in any chunking agree.
        Live decoding only, without a grammar (whose result is one sentence
        of its unit)."""
        units = self._units
        if not self.settings.live or self._grammar or units.open_start is None:
            return []
        if units.frames < self._next_pause_check:
            return []
        self._open(units.open_start)
        self._feed_to(units.committed)
        assert self._unit is not None
        last = self._unit.last_word_end()
        need = self.segmenter.silence_frames + PROBE_LOOKAHEAD
        if last is not None and self._fed - last >= need:
            return units.cut("silence", self._fed)
        # The fed frames grow by at most one a decision: asked again when
        # this word's pause could first be long enough, or in a while.
        wait = PAUSE_CHECK_EVERY if last is None else min(PAUSE_CHECK_EVERY, max(1, last + need - self._fed))
        self._next_pause_check = units.frames + wait
        return []

    def _probe_early(self) -> None:
        """Asks, at the probe frame, whether a word has begun after the open
        group's last word, before a unit opens there.

        A unit opens only once its speech run lasts ``min_speech`` (plus
        the detector's delay): waiting for it held a phrase split at a word
        gap inside a detector span up to 0.64 s past its pause. So while no
        unit is open, once the decisions reach the probe frame (features are
        then there up to it plus the detector's delay, more than the CMN's
        look-ahead), a decoder started at the earliest frame a unit may
        still start at (the units' ``keep_from``) is fed up to it, on a copy
        of the CMN, exactly as that unit's own decoder would be:

        * during a speech run that does not count yet, that is where its
          unit would start; asked once per start (a unit that opens there
          adopts the decoder, probe included, so its answer is the unit's);
        * in non-speech, once per probe frame: later units start later and
          see only part of those frames.

        Decided at decision indices, never chunk boundaries, so one-shot
        decoding and streams in any chunking agree. Live decoding only (the
        other way decodes a unit with its own mean, known at its end)."""
        units = self._units
        if not self.settings.live or units.open_start is not None:
            return
        start = units.keep_from
        pending = units.pending_run is not None
        if pending and self._asked_start == start:
            return
        if self._probe_of[0] != len(self._done):  # the probe frame changes only when a unit closes
            self._probe_of = (len(self._done), probe_frame(
                self._done, self._reach, self.settings.segmenter.end_of_phrase_silence_time, self._rec.frame_rate, -1))
        f = self._probe_of[1]
        if f is None or f <= start or units.frames < f + PROBE_LOOKAHEAD or (not pending and self._asked_frame == f):
            return  # nothing to decide, not yet (asked again at the next decisions), or asked
        if (self._reach[-1] or 0.0) >= round(f / self._rec.frame_rate, 3):
            return  # the phrase is over already
        if pending:
            self._asked_start = start
        else:
            self._asked_frame = f
        cmn = copy.deepcopy(self._cmn)
        cmn.start_unit()
        decoder = PhraseDecoder(self._rec, self._opts, self.settings, start)
        upto = f + PROBE_LOOKAHEAD
        decoder.feed(cmn.normalise(self._buffer[start - self._buffer_start:], 0, upto - start))
        if decoder.silent_so_far(f):
            self._reach[-1] = max(self._reach[-1] or 0.0, round(f / self._rec.frame_rate, 3))
        self._early = _EarlyUnit(decoder, cmn, upto)

    def _feed_to(self, end: int, closing: bool = False) -> None:
        if not self.settings.live:
            if closing and self._unit is not None and end > self._fed:
                self._search_unit(self._own_mean(self._unit.start_frame, end), self._fed, False)
                self._fed = end
            return
        if end > self._fed and self._unit is not None:
            s = self._unit.start_frame
            unit = self._buffer[s - self._buffer_start:]
            # Normalised even when held: the CMN's sums (and so the prior
            # carried to later units) must be the stream's.
            frames = self._cmn.normalise(unit, self._fed - s, end - s)
            self._search_unit(frames, self._fed, self.settings.whole_audio and self._redecoded(end - s))
            self._fed = end

    def _search_unit(self, frames: np.ndarray, first: int, hold: bool) -> None:
        """Gives the open unit ``frames`` (from absolute frame ``first``),
        held or searched, asking its decoder at its probe frame whether a
        word has begun (:meth:`PhraseDecoder.feed_probed`)."""
        assert self._unit is not None
        f = self._probe_at
        silent = self._unit.feed_probed(frames, first, f, PROBE_LOOKAHEAD, hold)
        if silent is None:
            return
        self._probe_at = None
        if silent and self._reach:
            self._reach[-1] = max(self._reach[-1] or 0.0, round(f / self._rec.frame_rate, 3))

    def _redecoded(self, frames: int) -> bool:
        """Whether a unit of ``frames`` frames closing now is decoded again with its own mean."""
        return self._cmn.prior_weight < PRIOR_FRAMES and 0 < frames <= REDECODE_MAX_FRAMES

    def _own_mean(self, start: int, end: int) -> np.ndarray:
        """Buffered frames [start, end) less their own static mean (batch CMN)."""
        frames = np.array(self._buffer[start - self._buffer_start:end - self._buffer_start], np.float32)
        statics = frames[:, :self._cmn.n].astype(np.float64)
        ok = statics[:, 0] >= 0  # digital silence does not count, as in batch CMN
        mean = statics[ok].mean(axis=0) if ok.any() else statics.mean(axis=0)
        frames[:, :self._cmn.n] -= mean.astype(np.float32)
        return frames

    def _close_unit(self, span: PhraseSpan) -> None:
        self._open(span.start)
        self._feed_to(span.end, closing=True)
        if self.settings.live and self._redecoded(span.end - span.start):
            # The channel is not learnt yet, so the live mean of this unit
            # was mostly the model's cmninit: decode it again with its own
            # mean, now known (short units only: the final must still come
            # within the latency budget). With the whole audio at hand the
            # live pass was held back and is dropped unsearched.
            self._unit = PhraseDecoder(self._rec, self._opts, self.settings, span.start)
            self._unit.feed(self._own_mean(span.start, span.end))
        assert self._unit is not None
        self._done.append(self._unit.finish(span, self._samples_per_frame))
        self._unit = None
        self._cmn.end_unit()

    def _earliest_unit_start(self) -> float:
        """Seconds: the earliest start a unit not closed yet can have."""
        units = self._units
        start = units.open_start if units.open_start is not None else units.keep_from
        return round(start / self._rec.frame_rate, 3)

    def _ended_phrases(self) -> list[Phrase]:
        """The open span's phrases whose end the evidence shows already
        (:func:`phrase_groups`), not reported yet: each final comes as soon
        as its pause is known, not when the span closes."""
        groups, closed = phrase_groups(self._done, self.settings.segmenter.end_of_phrase_silence_time, self._reach,
                                       self._grammar)
        complete = len(groups) if closed else len(groups) - 1
        if complete <= self._emitted:
            return []
        span = PhraseSpan(self.segmenter.open_start or 0, self.segmenter.frames, "silence")
        out = []
        for k in range(self._emitted, complete):
            phrase = group_phrase(groups[k], k, False, span, self._samples_per_frame, self._rec.frame_rate,
                                  self._grammar, self.evidence())
            if phrase is not None:
                out.append(phrase)
            self._emitted_until = groups[k][-1].end
        self._emitted = complete
        return self.split(out)

    def _close_phrase(self, span: PhraseSpan) -> list[Phrase]:
        units, self._done = self._done, []
        self._probe_of = (-1, None)
        groups, closed = phrase_groups(units, self.settings.segmenter.end_of_phrase_silence_time, self._reach,
                                       self._grammar)
        out = []
        for k in range(self._emitted, len(groups)):
            phrase = group_phrase(groups[k], k, k == len(groups) - 1 and not closed, span,
                                  self._samples_per_frame, self._rec.frame_rate, self._grammar, self.evidence())
            if phrase is not None:
                out.append(phrase)
        self._emitted, self._emitted_until = 0, -math.inf
        return self.split(out)

    def _trim(self) -> None:
        """Drops the frames no unit can take any more (keeping the lead-in
        padding a unit starting at the next speech frame may reach back to)."""
        seg = self._units
        keep_from = self._unit.start_frame if self._unit is not None else seg.keep_from
        if self._early is not None and self._unit is None and self._early.decoder.start_frame != seg.keep_from:
            self._early = None  # its run did not count: no unit opens there
        if self._early is not None:
            keep_from = min(keep_from, self._early.decoder.start_frame)
        keep_from = max(self._buffer_start, keep_from)
        drop = keep_from - self._buffer_start
        if drop > 0:
            self._buffer = self._buffer[drop:]
            self._buffer_start = keep_from
            if len(self._buffer) < 1024:  # don't let a slice pin a large old array
                self._buffer = np.array(self._buffer)
        span = self.segmenter.open_start
        keep_odds = min(keep_from if span is None else min(keep_from, span), self._odds_start + len(self._odds))
        if keep_odds > self._odds_start:
            self._odds = np.array(self._odds[keep_odds - self._odds_start:])
            self._odds_start = keep_odds

    def split(self, phrases: Iterable[Phrase]) -> list[Phrase]:
        """Phrases cut at their sentence ends when the settings ask."""
        if not self.settings.split_at_sentence_ends or self.settings.grammar is not None:
            return list(phrases)
        out: list[Phrase] = []
        for p in phrases:
            out.extend(split_at_sentence_ends(p, self._rec.language_model))
        return out


@dataclass
class _EarlyUnit:
    """A unit's decoder started before the unit opened, with its CMN, fed up to frame ``fed``."""

    decoder: PhraseDecoder
    cmn: PhraseCmn
    fed: int
