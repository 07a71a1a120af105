"""Streaming recognition: audio in chunks, interim results as it arrives,
each phrase's final result as soon as the phrase ends.

A :class:`Stream` belongs to one :class:`~asr_engine.Recognizer` (it uses
the recognizer's shared models and never changes them); it holds the
per-stream state: the chunk decoder and resampler and a
:class:`~asr_engine.phrase_decoding.PhrasePipeline` (live-CMN features,
speech detector, endpointer, the open phrase's decoder). Audio is never
kept: memory is bounded by the longest phrase, and ``finish()`` only
flushes the last phrase. Imports the audio, front-end, phrases and search
layers only.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np

from .audio.input import AudioInput, StreamInput
from .errors import InvalidArgumentError, SpeechTimeoutError
from .phrase_decoding import PhrasePipeline, PhraseSettings, join_phrases
from .results import Phrase, Result
from .search import SearchOptions
from .validation import checked_arguments, describe_value

if TYPE_CHECKING:
    from .recognizer import Recognizer

__all__ = ["Stream", "DEFAULT_INACTIVITY_TIMEOUT", "check_inactivity_timeout", "check_initial_silence_timeout"]

#: The services' default ``inactivity_timeout`` (seconds of audio without speech).
DEFAULT_INACTIVITY_TIMEOUT = 30
#: Median 10 ms level (dBFS) above which a wait without speech was noise
#: (``BabbleTimeout``), as :data:`asr_engine.azure.status.NOISE_LEVEL_DBFS`.
BABBLE_LEVEL_DBFS = -40.0


def check_inactivity_timeout(value: object) -> int:
    """The services' ``inactivity_timeout``: whole seconds >= 1, or -1 for never."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InvalidArgumentError(f"inactivity_timeout must be an integer number of seconds (-1 = never), "
                                       f"got {describe_value(value)}")
    v = int(value)
    if v == 0 or v < -1:
        raise InvalidArgumentError(f"inactivity_timeout must be a positive number of seconds or -1 (never), "
                                   f"not {v}")
    return v


def check_initial_silence_timeout(value: object) -> Optional[float]:
    """Seconds (> 0, finite) to wait for the first speech, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or not math.isfinite(float(value)) or float(value) <= 0:
        raise InvalidArgumentError(f"initial_silence_timeout must be a positive number of seconds or None, "
                                   f"got {describe_value(value)}")
    return float(value)


class Stream:
    """Incremental recognition: ``accept`` chunks, get interim results and
    finished phrases, ``finish`` for the rest.

    A chunk is a mono numpy array at the stream's ``sample_rate`` (int16,
    other integers and floats as in :mod:`asr_engine.audio.input`), headerless
    bytes of the stream's ``content_type``, or a whole encoded file (path,
    bytes, file object).

    Each :meth:`accept` returns an interim :class:`Result` (``final`` False)
    for the phrase in progress; its ``phrases`` are the phrases that this
    chunk finished (final, never decoded again), also kept in
    :attr:`phrases`. :meth:`finish` closes the last phrase and returns the
    whole stream's result (its phrases joined), which equals
    ``recognize(audio, phrase_decoding=True)`` of the same audio.

    Timeouts count seconds of audio, not wall-clock: after
    ``inactivity_timeout`` seconds without speech :meth:`accept` raises
    :class:`SpeechTimeoutError` (400, ``No speech detected for 30s``) and the
    stream is finished; with ``initial_silence_timeout`` a start without
    speech for that long raises it with ``status`` ``InitialSilenceTimeout``
    (or ``BabbleTimeout`` when the wait was loud: noise, not silence).
    """

    def __init__(self, recognizer: Recognizer, options: SearchOptions, *, sample_rate: Optional[int] = None,
                 content_type: Optional[str] = None, settings: Optional[PhraseSettings] = None,
                 inactivity_timeout: int = DEFAULT_INACTIVITY_TIMEOUT,
                 initial_silence_timeout: Optional[float] = None) -> None:
        self._rec = recognizer
        self._options = options
        self._input = StreamInput(recognizer.sample_rate, sample_rate, content_type)
        self._inactivity = check_inactivity_timeout(inactivity_timeout)
        self._initial = check_initial_silence_timeout(initial_silence_timeout)
        self._pipeline = PhrasePipeline(recognizer, options, settings or PhraseSettings())
        self.phrases: list[Phrase] = []
        self._samples = 0
        self._finished = False
        self._hop = max(1, int(round(recognizer.sample_rate / recognizer.frame_rate)))
        self._levels: list[float] = []  # 10 ms powers of the start, until speech (bounded by the timeout)
        self._carry = np.zeros(0, np.float32)

    @property
    def sample_rate(self) -> int:
        """Rate of the numpy chunks this stream takes, in Hz."""
        return int(self._input.rate)

    @property
    def duration(self) -> float:
        """Seconds of audio accepted so far."""
        return self._samples / self._rec.sample_rate

    @property
    def in_phrase(self) -> bool:
        """Whether a phrase is open (speech heard since the last phrase ended)."""
        return self._pipeline.in_phrase

    def __repr__(self) -> str:
        state = "finished" if self._finished else "open"
        return f"Stream({state}, sample_rate={self.sample_rate}, duration={self.duration:.2f})"

    @checked_arguments
    def accept(self, chunk: AudioInput) -> Result:
        """Feed the next chunk; returns the interim result of the phrase in
        progress, with the phrases this chunk finished in ``phrases``.

        Raises:
            AudioError: a chunk the stream cannot take (multi-channel, wrong
                type, NaN, out of range); InvalidArgumentError once finished.
            SpeechTimeoutError: no speech for ``inactivity_timeout`` seconds
                (or at the start for ``initial_silence_timeout``).
        """
        if self._finished:
            raise InvalidArgumentError("the stream is finished")
        samples = self._input.accept(chunk)
        closed = self._feed(samples)
        self._check_timeouts()
        return self._interim(closed)

    def _feed(self, samples: np.ndarray) -> list[Phrase]:
        if samples.size == 0:
            return []
        self._samples += samples.size
        if self._initial is not None and self._pipeline.last_speech_frame < 0:
            self._track_levels(samples)
        closed = self._pipeline.accept(samples)
        self.phrases.extend(closed)
        return closed

    def _interim(self, closed: list[Phrase]) -> Result:
        partial = self._pipeline.interim(self.duration)
        if partial is None:
            partial = Result("", None, [], [], round(self.duration, 3), False)
        partial.phrases = list(closed)
        return partial

    def _track_levels(self, samples: np.ndarray) -> None:
        x = np.concatenate([self._carry, samples]) if self._carry.size else samples
        n = x.size // self._hop
        if n:
            blocks = x[:n * self._hop].astype(np.float64).reshape(n, self._hop)
            self._levels.extend(np.mean(blocks * blocks, axis=1).tolist())
        self._carry = np.array(x[n * self._hop:], np.float32)

    def _check_timeouts(self) -> None:
        p = self._pipeline
        rate = self._rec.frame_rate
        decided = p.frames_decided
        if self._initial is not None and p.last_speech_frame < 0 and decided >= self._initial * rate:
            self._finished = True
            power = float(np.median(self._levels)) if self._levels else 0.0
            level = 10.0 * math.log10(power) if power > 0 else -math.inf
            status = "BabbleTimeout" if level > BABBLE_LEVEL_DBFS else "InitialSilenceTimeout"
            raise SpeechTimeoutError(f"No speech detected in the first {self._initial:g}s", status=status,
                                     waited=round(self._initial, 3))
        if self._inactivity > 0:
            silent = decided - 1 - p.last_speech_frame
            if silent >= self._inactivity * rate:
                self._finished = True
                raise SpeechTimeoutError(f"No speech detected for {self._inactivity}s", waited=float(self._inactivity))

    def finish(self) -> Result:
        """Closes the last phrase; returns the whole stream's final result
        (its phrases joined; ``phrases`` lists them all). The stream cannot
        be used afterwards."""
        if self._finished:
            raise InvalidArgumentError("the stream is finished")
        self._finished = True
        tail = self._input.finish()
        if tail.size:
            self._samples += tail.size
            self.phrases.extend(self._pipeline.accept(tail))
        self.phrases.extend(self._pipeline.finish())
        return self._rec._displayed(join_phrases(self.phrases, self.duration))
