"""Streaming recognition: audio in chunks, partial results as it arrives.

A :class:`Stream` belongs to one :class:`~asr_engine.Recognizer` (it uses
the recognizer's shared models and never changes them); it holds the
per-utterance state: the chunk decoder and resampler, a live-CMN feature
stream and a decoder. Imports the audio, front-end and search layers only.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from . import _core
from .audio import Audio
from .audio.input import AudioInput, StreamInput
from .errors import InvalidArgumentError
from .frontend import FeatureOptions, FeatureStream
from .results import Result
from .search import SearchOptions
from .validation import checked_arguments

if TYPE_CHECKING:
    from .recognizer import Recognizer

__all__ = ["Stream"]


class Stream:
    """Incremental recognition: ``accept`` chunks, get partial results,
    ``finish`` for the final one.

    A chunk is a mono numpy array at the stream's ``sample_rate`` (int16,
    other integers and floats as in :mod:`asr_engine.audio.input`), headerless
    bytes of the stream's ``content_type``, or a whole encoded file (path,
    bytes, file object). Partial results come from a live-CMN pass that runs
    as audio arrives. The final result re-decodes the whole utterance as
    :meth:`Recognizer.recognize` does (batch CMN), so it equals the one-shot
    result for the same audio.
    """

    def __init__(self, recognizer: Recognizer, options: SearchOptions, *, sample_rate: Optional[int] = None,
                 content_type: Optional[str] = None, spotting: Optional[dict[str, Any]] = None) -> None:
        self._rec = recognizer
        self._options = options
        self._spotting = dict(spotting or {})  # keywords and word alternatives of the final result
        self._input = StreamInput(recognizer.sample_rate, sample_rate, content_type)
        live = FeatureOptions(recognizer.feature_options.feature_type, "live",
                              recognizer.feature_options.cmn_init, False)
        self._features = FeatureStream(recognizer.frontend_options, live)
        self._decoder = _core.Decoder(recognizer._native, options.to_native())
        self._decoder.start()
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self._finished = False

    @property
    def sample_rate(self) -> int:
        """Rate of the numpy chunks this stream takes, in Hz."""
        return int(self._input.rate)

    @property
    def duration(self) -> float:
        """Seconds of audio accepted so far."""
        return self._samples / self._rec.sample_rate

    def __repr__(self) -> str:
        state = "finished" if self._finished else "open"
        return f"Stream({state}, sample_rate={self.sample_rate}, duration={self.duration:.2f})"

    @checked_arguments
    def accept(self, chunk: AudioInput) -> Result:
        """Feed the next chunk; returns the partial result so far.

        Raises:
            AudioError: a chunk the stream cannot take (multi-channel, wrong
                type, NaN, out of range); InvalidArgumentError once finished.
        """
        if self._finished:
            raise InvalidArgumentError("the stream is finished")
        self._feed(self._input.accept(chunk))
        return self._rec._result(self._decoder, self.duration, False, self._options)

    def _feed(self, samples: np.ndarray) -> None:
        if samples.size == 0:
            return
        self._chunks.append(samples)
        self._samples += samples.size
        feats = self._features.accept(samples)
        if len(feats):
            self._decoder.process(feats)

    def finish(self) -> Result:
        """The final result; the stream cannot be used afterwards."""
        if self._finished:
            raise InvalidArgumentError("the stream is finished")
        self._finished = True
        tail = self._input.finish()
        if tail.size:
            self._chunks.append(tail)
            self._samples += tail.size
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        rate = self._rec.sample_rate
        return self._rec.recognize(Audio(audio, rate, rate, 1, audio.size / rate, "stream"),
                                   **self._spotting, **_changed_fields(self._rec.search_options, self._options))


def _changed_fields(base: SearchOptions, options: SearchOptions) -> dict[str, Any]:
    a, b = asdict(base), asdict(options)
    return {k: v for k, v in b.items() if a[k] != v}
