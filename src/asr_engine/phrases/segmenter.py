"""Endpointing: cutting a stream of speech / non-speech frame decisions into phrases.

A phrase starts at the first speech frame (less :attr:`SegmenterOptions.padding`
of the silence before it) and ends once the pause after its last speech
frame has lasted ``end_of_phrase_silence_time``, the pause measured between
the edge-corrected speech edges below (the detector's hangover and smoothing
make its non-speech runs shorter than the pauses between words: counted
raw, pauses up to ~1.1 s were merged); it keeps
``padding`` of that silence, so the decoder sees a little silence context on
each side, as in a recorded utterance. Continuous speech is cut at
``max_phrase_time`` (the services' 2-minute ``reset``). Pauses shorter than
``end_of_phrase_silence_time`` stay inside the phrase.

The segmenter is pure bookkeeping over frame indices (no audio, no model):
it streams, its state is a few integers, and a phrase boundary is known as
soon as the deciding frame arrives.

Each span also carries its *speech edges*: the first and last speech
decisions, moved inwards by the detector's known delays
(:attr:`SegmenterOptions.onset_correction`, :attr:`SegmenterOptions.offset_correction`):
the detector's smoothing and hangover mark speech from a little before the
first word's start to well after the last word's end, and a user reading a
phrase's boundary wants the words' edges, not the decoder's padded window.
The corrections were fitted on half the boundaries of a constructed file
against forced alignment and checked on the other half
(``benchmarks/bench_phrases.py --segmentation-only``): about the hangover
(10 frames) plus a little at the end, the preroll (2 frames) plus a little
at the start. A pause therefore ends a phrase once its run of non-speech
decisions reaches ``end_of_phrase_silence_time`` less both corrections: at
frame ``t`` the detector has looked ahead past ``t`` and found no onset, so
the next corrected speech start lies at least ``onset_correction`` after it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Optional

from ..errors import InvalidArgumentError

__all__ = ["SegmenterOptions", "Segmenter", "PhraseSpan", "check_silence_time", "segment", "DEFAULT_END_OF_PHRASE_SILENCE",
           "MAX_PHRASE_TIME", "END_OF_UTTERANCE_REASONS"]

#: The services' default ``end_of_phrase_silence_time`` (seconds).
DEFAULT_END_OF_PHRASE_SILENCE = 0.8
#: Continuous speech is cut after this many seconds (``end_of_utterance`` ``reset``).
MAX_PHRASE_TIME = 120.0
#: Why a phrase ended, as the services name it.
END_OF_UTTERANCE_REASONS = ("full_stop", "silence", "end_of_data", "reset")
#: Default :attr:`SegmenterOptions.onset_correction` (seconds; fitted, see the module docstring).
ONSET_CORRECTION = 0.08
#: Default :attr:`SegmenterOptions.offset_correction` (seconds; fitted, see the module docstring).
OFFSET_CORRECTION = 0.12
#: Default :attr:`SegmenterOptions.min_speech` (seconds).
MIN_SPEECH = 0.3


def check_silence_time(value: object, name: str = "end_of_phrase_silence_time") -> float:
    """``value`` as seconds in [0, 120] (0 means the default, 0.8, as in the
    services), or a 400 naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number of seconds between 0.0 and 120.0, "
                                   f"not {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v) or not 0.0 <= v <= 120.0:
        raise InvalidArgumentError(f"{name} must be between 0.0 and 120.0 seconds, not {value!r}")
    return DEFAULT_END_OF_PHRASE_SILENCE if v == 0.0 else v


@dataclass(frozen=True)
class SegmenterOptions:
    """Endpointing settings.

    Attributes:
        end_of_phrase_silence_time: seconds of pause (between corrected
            speech edges) that end a phrase (0.0-120.0; 0 = the default 0.8,
            as the services take it).
        max_phrase_time: seconds of continuous phrase after which it is cut
            (``end_of_utterance`` ``reset``).
        padding: seconds of silence kept on each side of the speech (at most
            the silence there is; the trailing pad at most
            ``end_of_phrase_silence_time``).
        frame_rate: decision frames per second.
        onset_correction: seconds added to the first speech decision to
            give the reported speech start (the detector's smoothing fires
            early); in [-1, 1].
        offset_correction: seconds taken from the end of the last speech
            decision to give the reported speech end (its hangover); in [-1, 1].
        min_speech: a run of speech decisions counts only once it lasts this
            long (seconds, 0 = every run): shorter runs (a breath, a click,
            a lip smack, which the detector's smoothing and hangover stretch
            to 0.1-0.3 s) neither open a phrase nor end its pause.
        close_margin: seconds of non-speech decisions, beyond the pause
            between corrected edges, before a phrase closes (in [0, 2]): a
            caller that ends phrases inside a span by other evidence (the
            phrase pipeline, by the decoder's word gaps) closes spans only
            once the pause is surely long enough.
    """

    end_of_phrase_silence_time: float = DEFAULT_END_OF_PHRASE_SILENCE
    max_phrase_time: float = MAX_PHRASE_TIME
    padding: float = 0.25
    frame_rate: float = 100.0
    onset_correction: float = ONSET_CORRECTION
    offset_correction: float = OFFSET_CORRECTION
    min_speech: float = MIN_SPEECH
    close_margin: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "end_of_phrase_silence_time", check_silence_time(self.end_of_phrase_silence_time))
        for name in ("onset_correction", "offset_correction"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not -1.0 <= v <= 1.0:
                raise InvalidArgumentError(f"{name} must be a number of seconds between -1.0 and 1.0, not {v!r}")
        v = self.close_margin
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not 0.0 <= v <= 2.0:
            raise InvalidArgumentError(f"close_margin must be a number of seconds between 0.0 and 2.0, not {v!r}")
        for name, low in (("max_phrase_time", 0.05), ("padding", 0.0), ("frame_rate", 1.0), ("min_speech", 0.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < low:
                raise InvalidArgumentError(f"{name} must be a finite number >= {low}, not {v!r}")

    def frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * self.frame_rate)))


@dataclass(frozen=True)
class PhraseSpan:
    """Frames ``[start, end)`` of one phrase and why it ended;
    ``[speech_start, speech_end)``: its edge-corrected speech (-1: unknown)."""

    start: int
    end: int
    reason: str
    speech_start: int = -1
    speech_end: int = -1


class Segmenter:
    """Streaming endpointer: feed frame decisions in order, get closed phrases.

    :attr:`open_start` is the first frame of the phrase in progress (None
    between phrases) and :attr:`committed` the end of the frames that belong
    to it whatever comes next, so a decoder can be fed while the phrase lasts.
    """

    def __init__(self, options: Optional[SegmenterOptions] = None) -> None:
        if options is not None and not isinstance(options, SegmenterOptions):
            raise InvalidArgumentError(f"options must be SegmenterOptions, not {type(options).__name__}")
        self.options = options or SegmenterOptions()
        o = self.options
        self._onset = int(round(o.onset_correction * o.frame_rate))
        self._offset = int(round(o.offset_correction * o.frame_rate))
        # Non-speech decisions that end a phrase: the pause between corrected edges.
        self._silence = max(1, o.frames(o.end_of_phrase_silence_time) - self._onset - self._offset
                            + int(round(o.close_margin * o.frame_rate)))
        self._pad = min(int(round(o.padding * o.frame_rate)), self._silence)
        self._lead = int(round(o.padding * o.frame_rate))
        self._cap = o.frames(o.max_phrase_time)
        self.frames = 0  # decisions consumed
        self.open_start: Optional[int] = None
        self._last_speech = -1
        self._first_speech = -1  # of the open phrase
        self._min_run = int(round(o.min_speech * o.frame_rate))
        self._run_start = -1  # first frame of the speech run in progress (-1: none)
        self._prev_end = 0
        self.speech_frames = 0  # total speech frames seen

    @property
    def committed(self) -> int:
        """End (exclusive) of the frames surely inside the open phrase."""
        if self.open_start is None:
            return self.frames
        return min(self.frames, self._last_speech + 1 + self._pad)

    @property
    def silence_frames(self) -> int:
        """Run of non-speech decisions that ends a phrase."""
        return self._silence

    @property
    def lead(self) -> int:
        """Frames of padding a phrase may reach back before its first speech frame."""
        return self._lead

    @property
    def keep_from(self) -> int:
        """First frame a phrase not open yet may still start at."""
        pending = self._run_start if self._run_start >= 0 else self.frames
        return max(self._prev_end, pending - self._lead)

    @property
    def pending_run(self) -> Optional[int]:
        """First frame of a speech run in progress that does not count yet
        (shorter than ``min_speech`` so far), or None: while it lasts, a
        phrase may open at :attr:`keep_from`."""
        if self._run_start < 0 or self.open_start is not None:
            return None
        return self._run_start if self.frames - self._run_start < self._min_run else None

    @property
    def last_speech(self) -> int:
        """Index of the last speech frame seen (-1 before any)."""
        return self._last_speech

    def accept(self, speech: Iterable[bool]) -> list[PhraseSpan]:
        """Feeds the next decisions; returns the phrases they closed."""
        closed = []
        for s in speech:
            t = self.frames
            self.frames += 1
            if s:
                self.speech_frames += 1
                if self._run_start < 0:
                    self._run_start = t
                if t - self._run_start + 1 >= self._min_run:  # the run counts (from its first frame)
                    if self.open_start is None:
                        self.open_start = max(self._prev_end, self._run_start - self._lead)
                        self._first_speech = self._run_start
                    self._last_speech = t
            else:
                self._run_start = -1
            # A run still too short to count may yet be speech: no close during it.
            pending = self._run_start >= 0 and t - self._run_start + 1 < self._min_run
            if self.open_start is not None and not pending and t - self._last_speech >= self._silence:
                closed.append(self._close(self._last_speech + 1 + self._pad, "silence"))
                continue
            if self.open_start is not None and self.frames - self.open_start >= self._cap:
                closed.append(self._close(self.frames, "reset"))
        return closed

    def cut(self, reason: str = "reset", end: Optional[int] = None) -> list[PhraseSpan]:
        """Closes the open phrase at the frames seen so far, or at ``end``
        when that is earlier (another segmenter's close, kept in step)."""
        stop = self.frames if end is None else min(self.frames, max(end, self.committed))
        if self.open_start is None or stop <= self.open_start:
            return []
        return [self._close(stop, reason)]

    def finish(self) -> list[PhraseSpan]:
        """Closes the open phrase at the end of the data (with its trailing pad
        of what silence there is)."""
        if self.open_start is None:
            return []
        return [self._close(min(self.frames, self._last_speech + 1 + self._lead), "end_of_data")]

    def _close(self, end: int, reason: str) -> PhraseSpan:
        assert self.open_start is not None
        first = self._first_speech if self._first_speech >= self.open_start else self.open_start
        last = min(end, self._last_speech + 1) if self._last_speech >= first else end
        a = min(max(self.open_start, first + self._onset), end - 1)
        b = max(a + 1, min(end, last - self._offset))
        span = PhraseSpan(self.open_start, end, reason, a, b)
        self._prev_end = end
        self.open_start = None
        return span


def segment(speech: Iterable[bool], options: Optional[SegmenterOptions] = None) -> list[PhraseSpan]:
    """All phrases of a whole utterance's decisions."""
    seg = Segmenter(options)
    return seg.accept(speech) + seg.finish()
