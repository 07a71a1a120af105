"""One decoding unit of the phrase pipeline: what it decodes with, and its decoder.

:class:`PhraseSettings` are one phrase-wise recognition's settings;
:class:`PhraseDecoder` decodes one unit (a native decoder started at the
unit's first frame, fed as its frames are placed, finished into a
:class:`~asr_engine.results.Phrase` when it closes) and answers the
pipeline's questions about the words so far (:meth:`PhraseDecoder.silent_so_far`,
:meth:`PhraseDecoder.last_word_end`). The pipeline that cuts the audio into
units and groups them into phrases is :mod:`asr_engine.phrase_decoding`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from . import _core
from .phrase_grouping import speech_edges_seconds
from .phrases import SpeechDetectorOptions
from .phrases.segmenter import PhraseSpan, SegmenterOptions
from .results import KeywordMatch, Phrase, Result, WordAlternatives, WordResult
from .search import SearchOptions
from .spotting import SpottingRequest

if TYPE_CHECKING:
    from .recognizer import Recognizer

__all__ = ["PhraseDecoder", "PhraseSettings", "loop_margin"]


@dataclass(frozen=True)
class PhraseSettings:
    """What one phrase-wise recognition decodes with (all checked by the caller).

    Attributes:
        segmenter: endpointing settings.
        detector: speech detector settings.
        max_alternatives: n-best per phrase.
        grammar: the grammar's native search network, or None.
        rejection_threshold: with a grammar, as in ``recognize``.
        spotting: keywords / word alternatives of each final phrase.
        split_at_sentence_ends: also cut at LM sentence ends (``full_stop``).
        score_against_phone_loop: set each phrase's ``rejection_margin``.
        acoustic: an adapted native acoustic model to score with, or None.
        live: decode each unit as its frames arrive, normalised by
            :class:`PhraseCmn` (a stream's way, interim results possible);
            False: decode each unit when it closes, with its own mean (batch
            CMN of the unit, as a recording decoded on its own): the
            one-shot long-audio path, which can wait for the unit's end.
        whole_audio: with ``live``, the audio is all at hand (a one-shot
            request decoded exactly as a stream): a unit the stream would
            decode live and then again with its own mean at its end
            (:data:`asr_engine.phrase_decoding.REDECODE_MAX_FRAMES`) is decoded only the second way,
            since the live pass's result is thrown away; the output is the
            stream's, for half the search. No interim results then.
    """

    segmenter: SegmenterOptions = SegmenterOptions()
    detector: SpeechDetectorOptions = SpeechDetectorOptions()
    max_alternatives: int = 1
    grammar: Any = None
    rejection_threshold: Optional[float] = None
    spotting: Optional[SpottingRequest] = None
    split_at_sentence_ends: bool = False
    score_against_phone_loop: bool = False
    acoustic: Any = None
    live: bool = True
    whole_audio: bool = False


def loop_margin(recognizer: "Recognizer", decoder: Any, feats: np.ndarray, opts: SearchOptions) -> Optional[float]:
    """Best path minus the phone loop, acoustic nats per frame, over the
    span of the recognized words (silence around them fits both alike)."""
    segments, _ = decoder.best_path(True)
    spoken = [s for s in segments if not s[5]]
    if not spoken:
        return None
    a, b = int(spoken[0][1]), int(spoken[-1][2]) + 1
    path = sum(float(s[3]) for s in segments if s[1] >= a and s[2] < b)
    loop = recognizer._phone_loop.acoustic_score(feats[a:b], opts)
    return round((path - loop) / max(1, b - a), 4)


def _shift_words(words: list[WordResult], dt: float) -> list[WordResult]:
    return [replace(w, start=round(w.start + dt, 3), end=round(w.end + dt, 3)) for w in words]


def _shifted(result: Result, dt: float) -> Result:
    """``result`` with every time moved by ``dt`` seconds."""
    if dt == 0.0:
        return result
    result.words = _shift_words(result.words, dt)
    result.alternatives = [replace(a, words=_shift_words(a.words, dt)) for a in result.alternatives]
    result.keywords = {k: [KeywordMatch(m.text, round(m.start + dt, 3), round(m.end + dt, 3), m.confidence)
                           for m in ms] for k, ms in result.keywords.items()}
    result.word_alternatives = [WordAlternatives(round(b.start + dt, 3), round(b.end + dt, 3), b.alternatives)
                                for b in result.word_alternatives]
    return result


class PhraseDecoder:
    """Decodes one phrase: frames in as they are placed, a final Phrase out.

    Its feature frames are kept (at most one phrase: the 2-minute cap) for
    the grammar check and the phone-loop margin, which score them again.
    """

    def __init__(self, recognizer: "Recognizer", options: SearchOptions, settings: PhraseSettings,
                 start_frame: int) -> None:
        self._rec = recognizer
        self._opts = options
        self._settings = settings
        self.start_frame = start_frame
        self.frames = 0
        # Features are kept for what re-reads them at the phrase's end (the
        # phone loop, a grammar's fit, the n-best re-scoring's alignments;
        # live decoding keeps the lattice's decision, as streams always did).
        self._rescore = options.nbest_rescoring > 1 and not settings.live
        self._keep = settings.grammar is not None or settings.score_against_phone_loop or self._rescore
        self._feats: list[np.ndarray] = []
        # Frames held back from the search (see hold()); the native decoder
        # is made at the first frame it must search.
        self._held: list[np.ndarray] = []
        self._decoder: Any = None

    def _search(self, frames: np.ndarray) -> None:
        if self._decoder is None:
            s = self._settings
            self._decoder = _core.Decoder(s.grammar or self._rec._native, self._opts.to_native(), s.acoustic)
            self._decoder.start()
        self._decoder.process(frames)
        self.frames += len(frames)
        if self._keep:
            self._feats.append(np.array(frames, copy=True))

    def feed(self, frames: np.ndarray) -> None:
        """Searches the frames held so far, then ``frames``."""
        self._release()
        if len(frames):
            self._search(frames)

    def hold(self, frames: np.ndarray) -> None:
        """Keeps frames to search only if the phrase is finished from them
        (:meth:`feed`, :meth:`interim` or :meth:`finish` search them first);
        a decoder dropped before that never searches them."""
        if len(frames):
            self._held.append(np.array(frames, copy=True))

    def _release(self) -> None:
        held, self._held = self._held, []
        for frames in held:
            self._search(frames)

    def silent_so_far(self, until: Optional[int] = None) -> bool:
        """Whether the best partial path over the frames searched so far
        starts no spoken word before absolute frame ``until`` (default: the
        last frame searched) and reaches it: the decoder's evidence that no
        word had begun by then. The path ends in the best token's word, so
        a word under way counts from its start."""
        self._release()
        until = self.start_frame + self.frames if until is None else until
        if self._decoder is None or self.frames == 0:
            return True
        segments, _ = self._decoder.best_path(False)
        rel = until - self.start_frame
        if any(not seg[5] and int(seg[1]) < rel for seg in segments):
            return False
        reached = max((int(seg[2]) + 1 for seg in segments), default=0)
        return reached >= min(rel, self.frames)

    def last_word_end(self) -> Optional[int]:
        """Absolute end frame of the last spoken word on the best partial path
        when only silence and fillers follow it to the last frame searched;
        None before any spoken word."""
        self._release()
        if self._decoder is None or self.frames == 0:
            return None
        segments, _ = self._decoder.best_path(False)
        spoken = [seg for seg in segments if not seg[5]]
        if not spoken:
            return None
        return self.start_frame + int(spoken[-1][2]) + 1

    def feed_probed(self, frames: np.ndarray, first: int, probe: Optional[int], lookahead: int,
                    hold: bool = False) -> Optional[bool]:
        """Feeds (or, with ``hold``, holds) ``frames``, the absolute frames
        from ``first``. When ``probe + lookahead`` falls among them, stops
        there to ask :meth:`silent_so_far` about ``probe`` (held frames are
        searched up to there) and returns its answer; else None."""
        put = self.hold if hold else self.feed
        ask = None if probe is None else probe + lookahead
        if ask is None or not first <= ask <= first + len(frames):
            put(frames)
            return None
        put(frames[:ask - first])
        silent = self.silent_so_far(probe)
        put(frames[ask - first:])
        return silent

    def interim(self, duration: float) -> Result:
        """The open phrase's current hypothesis (times from the start of the audio)."""
        self._release()
        if self._decoder is None:
            return Result("", None, [], [], round(duration, 3), False)
        r = self._rec._result(self._decoder, duration, False, self._opts)
        return _shifted(r, self.start_frame / self._rec.frame_rate)

    def finish(self, span: PhraseSpan, samples_per_frame: float) -> Phrase:
        """The final phrase (the decoder has been fed frames ``span.start`` to ``span.end``)."""
        rec, s = self._rec, self._settings
        self._release()
        step = 1.0 / rec.frame_rate
        duration = self.frames * step
        feats = np.vstack(self._feats) if self._feats else np.zeros((0, 1), np.float32)
        self._feats = []
        if self.frames == 0:
            result = Result("", 0.0, [], [], 0.0, True)
        elif s.grammar is not None:
            result = rec._grammar_result(self._decoder, feats, duration, self._opts, s.max_alternatives,
                                         s.rejection_threshold, s.spotting)
        else:
            result = rec._result(self._decoder, duration, True, self._opts, s.max_alternatives,
                                 spotting=s.spotting, features=feats if self._rescore else None,
                                 acoustic=s.acoustic)
            if s.score_against_phone_loop:
                result.rejection_margin = loop_margin(rec, self._decoder, feats, self._opts)
        self._decoder = None  # the lattice and search state go now
        result = _shifted(result, self.start_frame * step)
        return Phrase(round(span.start * step, 3), round(span.end * step, 3), result.transcript,
                      float(result.confidence or 0.0), result.words, result.alternatives, span.reason,
                      int(round(span.start * samples_per_frame)), int(round(span.end * samples_per_frame)),
                      result.rejected, result.rejection_margin, result.keywords, result.word_alternatives,
                      *speech_edges_seconds(span, step, result.words))
