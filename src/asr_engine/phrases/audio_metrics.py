"""The services' ``audio_metrics``: signal statistics of a stream, on the fly.

:class:`AudioMetricsAccumulator` takes samples as they arrive
(:meth:`~AudioMetricsAccumulator.accept`) and the speech detector's frame
decisions as they become final (:meth:`~AudioMetricsAccumulator.accept_speech`),
and keeps only histograms and sums, so its memory does not grow with the
stream (a handful of 0.1 s segments wait for their speech decision, no more
than the detector's look-ahead). :meth:`~AudioMetricsAccumulator.metrics`
gives the IBM ``AudioMetrics`` object (§1.6 of the services' contract).

Definitions (per ``sampling_interval`` segment of 0.1 s; the service counts
one histogram unit per segment):

* ``direct_current_offset``: the segment's mean sample, full scale 1.0.
* ``clipping_rate``: the share of its samples at the top or bottom of the
  16-bit range (|x| >= 32767/32768; unit-range float audio clips at 1.0 too).
* ``speech_level`` / ``non_speech_level``: its RMS in dB, normalised to 0-1
  over the 16-bit dynamic range: 0 is an RMS of one quantisation step
  (-90.3 dBFS) or less, 1 a full-scale RMS (0 dBFS). Speech segments are
  those where at least half the 10 ms frames are speech.
* ``speech_ratio``: speech segments / all segments.
* ``signal_to_noise_ratio``: 10 log10((P_s - P_n) / P_n), P_s and P_n the
  mean power of speech and non-speech segments (speech segments carry the
  noise too); clipped to 0-100 dB; None (the service omits it) without
  both kinds of segments.
* ``high_frequency_loss``: how likely the upper half of the band (above a
  quarter of the sample rate) is missing, from the energy of speech segments
  in 0.55-0.95 of the Nyquist frequency against 0.05-0.45 of it: natural
  16 kHz speech has its upper band 10-35 dB down, audio up-sampled from
  8 kHz 60 dB or more; a logistic centred at -45 dB maps that to ~0 and ~1.
  0.5 when there is too little signal to tell.

Numpy only: a segment costs one 1600-point real FFT, far below 1 % of
decoding it. This module imports nothing of the engine.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from ..errors import InvalidArgumentError

#: Seconds of audio per histogram unit, as the service.
SAMPLING_INTERVAL = 0.1
#: Histogram bin edges of §1.6 (the outer bins also take anything beyond them).
DC_OFFSET_EDGES = (-1.0, -0.9, -0.7, -0.5, -0.3, -0.1, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
CLIPPING_EDGES = (0.0, 1e-05, 0.0001, 0.001, 0.01, 0.1, 1.0)
LEVEL_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
#: A sample at or beyond this magnitude is clipped (16-bit PCM's extremes).
CLIP_MAGNITUDE = 32767.0 / 32768.0
#: dB of an RMS of one 16-bit step: level 0.
LEVEL_FLOOR_DB = 20.0 * math.log10(1.0 / 32768.0)
#: ``high_frequency_loss`` logistic: centre and width in dB of the band ratio.
HF_CENTRE_DB = -45.0
HF_WIDTH_DB = 3.0
#: Below this mean power (about -80 dBFS) the bands say nothing: loss 0.5.
HF_MIN_POWER = 1e-8
#: Segments buffered before they are cut and measured together.
_BATCH_SEGMENTS = 10
_LOW_BAND, _HIGH_BAND = (0.05, 0.45), (0.6, 0.95)


@dataclass(frozen=True)
class HistogramBin:
    """One ``AudioMetricsHistogramBin``: values in [begin, end)."""

    begin: float
    end: float
    count: int

    def to_dict(self) -> dict[str, object]:
        """The bin as the service's JSON."""
        return {"begin": self.begin, "end": self.end, "count": self.count}


@dataclass(frozen=True)
class AudioMetricsDetails:
    """The service's ``AudioMetricsDetails`` (see the module docstring).

    Attributes:
        final: True for the metrics of a whole stream (always, as the service).
        end_time: seconds of audio the metrics cover.
        signal_to_noise_ratio: dB (0-100), None when it cannot be computed.
        speech_ratio: share of 0.1 s segments that are speech.
        high_frequency_loss: probability that the upper half band is missing.
        direct_current_offset, clipping_rate, speech_level, non_speech_level:
            histograms over the segments.
    """

    final: bool
    end_time: float
    signal_to_noise_ratio: Optional[float]
    speech_ratio: float
    high_frequency_loss: float
    direct_current_offset: list[HistogramBin] = field(default_factory=list)
    clipping_rate: list[HistogramBin] = field(default_factory=list)
    speech_level: list[HistogramBin] = field(default_factory=list)
    non_speech_level: list[HistogramBin] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The details as the service's JSON (no SNR key when unknown)."""
        out: dict[str, object] = {"final": self.final, "end_time": self.end_time}
        if self.signal_to_noise_ratio is not None:
            out["signal_to_noise_ratio"] = self.signal_to_noise_ratio
        out["speech_ratio"] = self.speech_ratio
        out["high_frequency_loss"] = self.high_frequency_loss
        for name in ("direct_current_offset", "clipping_rate", "speech_level", "non_speech_level"):
            out[name] = [b.to_dict() for b in getattr(self, name)]
        return out


@dataclass(frozen=True)
class AudioMetrics:
    """The service's ``AudioMetrics``: ``sampling_interval`` and ``accumulated``."""

    sampling_interval: float
    accumulated: AudioMetricsDetails

    def to_dict(self) -> dict[str, object]:
        """The metrics as the service's JSON."""
        return {"sampling_interval": self.sampling_interval, "accumulated": self.accumulated.to_dict()}


def _bins(edges: Sequence[float], counts: np.ndarray) -> list[HistogramBin]:
    return [HistogramBin(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(edges) - 1)]


def _bin_index(edges: Sequence[float], values: np.ndarray) -> np.ndarray:
    """Bin of each value; the outer bins take everything beyond the edges."""
    return np.searchsorted(np.asarray(edges[1:-1]), values, side="right")


def level_of(power: np.ndarray) -> np.ndarray:
    """Normalised level (0-1) of mean powers (see the module docstring)."""
    db = 10.0 * np.log10(np.maximum(power, 1e-30))
    return np.clip(1.0 - db / LEVEL_FLOOR_DB, 0.0, 1.0)


class AudioMetricsAccumulator:
    """Streams samples and speech decisions into the service's audio metrics.

    Args:
        sample_rate: rate of the samples, Hz.
        frame_rate: rate of the speech decisions, frames per second (the
            front end's 100).
        sampling_interval: seconds per histogram unit (the service's 0.1).
    """

    def __init__(self, sample_rate: int, frame_rate: float = 100.0,
                 sampling_interval: float = SAMPLING_INTERVAL) -> None:
        for name, v in (("sample_rate", sample_rate), ("frame_rate", frame_rate),
                        ("sampling_interval", sampling_interval)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
                raise InvalidArgumentError(f"{name} must be a positive number, not {v!r}")
        self.sample_rate = int(sample_rate)
        self.frame_rate = float(frame_rate)
        self.sampling_interval = float(sampling_interval)
        self._seg = max(1, int(round(self.sample_rate * self.sampling_interval)))
        self._frames_per_seg = self.frame_rate * self.sampling_interval
        n_fft = self._seg
        freqs = np.fft.rfftfreq(n_fft, 1.0)  # cycles per sample; Nyquist = 0.5
        rel = freqs / 0.5
        self._low = (rel >= _LOW_BAND[0]) & (rel < _LOW_BAND[1])
        self._high = (rel >= _HIGH_BAND[0]) & (rel < _HIGH_BAND[1])
        self._window = np.hanning(n_fft)
        self._spectrum_scale = 2.0 / (n_fft * float(np.sum(self._window ** 2)))
        self._chunks: list[np.ndarray] = []  # samples not yet cut into segments
        self._buffered = 0
        self._samples = 0
        self._dc = np.zeros(len(DC_OFFSET_EDGES) - 1, dtype=np.int64)
        self._clip = np.zeros(len(CLIPPING_EDGES) - 1, dtype=np.int64)
        self._speech_level = np.zeros(len(LEVEL_EDGES) - 1, dtype=np.int64)
        self._non_speech_level = np.zeros(len(LEVEL_EDGES) - 1, dtype=np.int64)
        # Segments waiting for their speech decision: (index, power, low band, high band, level bin).
        self._pending: deque[tuple[int, float, float, float, int]] = deque()
        self._segments = 0
        # Speech frames decided so far, per segment still open: {segment: [speech, frames]}.
        self._votes: dict[int, list[int]] = {}
        self._frames_decided = 0
        self._sums = {"speech_power": 0.0, "noise_power": 0.0, "speech": 0, "noise": 0,
                      "low": 0.0, "high": 0.0, "all_low": 0.0, "all_high": 0.0}

    # -- input ---------------------------------------------------------------------

    def accept(self, samples: np.ndarray) -> None:
        """Feeds samples (mono, full scale 1.0) as they arrive."""
        x = np.asarray(samples)
        if x.ndim != 1 or not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
            raise InvalidArgumentError(f"samples must be a 1-D array of numbers, got shape {x.shape} "
                                       f"of {x.dtype}")
        if np.issubdtype(x.dtype, np.integer):
            x = x.astype(np.float32) / 32768.0
        x = x.astype(np.float32, copy=False)
        if x.size and not np.all(np.isfinite(x)):
            raise InvalidArgumentError("samples must be finite numbers")
        self._samples += x.size
        if x.size:
            self._chunks.append(x.copy())
            self._buffered += x.size
        # Segments are cut a second at a time: numpy's per-call cost would
        # otherwise dominate with the 0.1 s chunks of a live stream.
        if self._buffered >= _BATCH_SEGMENTS * self._seg:
            self._cut()

    def _cut(self) -> None:
        """Cuts the buffered samples into whole segments (the rest waits)."""
        if not self._chunks:
            return
        buf = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        whole = buf.size // self._seg
        if whole:
            self._segments_of(buf[:whole * self._seg].reshape(whole, self._seg))
        rest = buf[whole * self._seg:]
        self._chunks = [rest] if rest.size else []
        self._buffered = rest.size
        self._settle()

    def accept_speech(self, speech: np.ndarray) -> None:
        """Feeds the speech detector's decisions (one flag per frame, in
        order, continuing where the last call stopped)."""
        s = np.asarray(speech)
        if s.ndim != 1:
            raise InvalidArgumentError(f"speech must be one flag per frame, got shape {s.shape}")
        s = s.astype(bool)
        first = self._frames_decided
        self._frames_decided += s.size
        if s.size:
            seg = ((first + np.arange(s.size)) / self._frames_per_seg).astype(np.int64)
            idx, starts = np.unique(seg, return_index=True)
            counts = np.add.reduceat(s.astype(np.int64), starts)
            lengths = np.diff(np.append(starts, s.size))
            for i, c, n in zip(idx.tolist(), counts.tolist(), lengths.tolist()):
                v = self._votes.setdefault(i, [0, 0])
                v[0] += c
                v[1] += n
        self._settle()

    # -- segments ----------------------------------------------------------------------

    def _segments_of(self, block: np.ndarray) -> None:
        block64 = block.astype(np.float64)
        dc = block64.mean(axis=1)
        clip = (np.abs(block) >= CLIP_MAGNITUDE).mean(axis=1)
        power = (block64 ** 2).mean(axis=1)
        centred = (block64 - dc[:, None]) * self._window
        # Band powers in mean-square units (Parseval, Hann-window energy removed).
        spectrum = np.abs(np.fft.rfft(centred, axis=1)) ** 2 * self._spectrum_scale
        low, high = spectrum[:, self._low].sum(axis=1), spectrum[:, self._high].sum(axis=1)
        self._dc += np.bincount(_bin_index(DC_OFFSET_EDGES, dc), minlength=self._dc.size)
        self._clip += np.bincount(_bin_index(CLIPPING_EDGES, clip), minlength=self._clip.size)
        levels = _bin_index(LEVEL_EDGES, level_of(power))
        for p, lo, hi, lv in zip(power.tolist(), low.tolist(), high.tolist(), levels.tolist()):
            self._pending.append((self._segments, p, lo, hi, lv))
            self._segments += 1

    def _settle(self, flush: bool = False) -> None:
        """Bins the segments whose speech decision is complete (all, when flushing)."""
        while self._pending:
            index, power, low, high, level = self._pending[0]
            end_frame = (index + 1) * self._frames_per_seg
            if not flush and self._frames_decided < math.ceil(end_frame - 1e-9):
                break
            self._pending.popleft()
            speech, frames = self._votes.pop(index, [0, 0])
            self._bin(power, low, high, level, frames > 0 and 2 * speech >= frames)

    def _bin(self, power: float, low: float, high: float, level: int, is_speech: bool) -> None:
        s = self._sums
        s["all_low"] += low
        s["all_high"] += high
        if is_speech:
            self._speech_level[level] += 1
            s["speech_power"] += power
            s["speech"] += 1
            s["low"] += low
            s["high"] += high
        else:
            self._non_speech_level[level] += 1
            s["noise_power"] += power
            s["noise"] += 1

    # -- output --------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds of audio received."""
        return self._samples / self.sample_rate

    def finish(self) -> None:
        """Ends the stream: a last partial segment of at least half the
        interval counts; segments without decisions are decided with the
        frames they have (non-speech without any)."""
        self._cut()
        rest = self._chunks[0] if self._chunks else np.zeros(0, dtype=np.float32)
        if rest.size * 2 >= self._seg:
            # Padding must not dilute the tail's statistics: repeat it instead.
            self._segments_of(np.resize(rest, self._seg)[None, :])
        self._chunks, self._buffered = [], 0
        self._settle(flush=True)

    def metrics(self, final: bool = True) -> AudioMetrics:
        """The ``AudioMetrics`` of the audio so far (call :meth:`finish`
        first for a whole stream)."""
        self._cut()
        s = self._sums
        total = s["speech"] + s["noise"]
        snr: Optional[float] = None
        if s["speech"] and s["noise"]:
            ps, pn = s["speech_power"] / s["speech"], s["noise_power"] / s["noise"]
            if pn <= 0.0:
                snr = 100.0 if ps > 0.0 else None
            else:
                snr = round(float(np.clip(10.0 * math.log10(max(ps - pn, 1e-30) / pn), 0.0, 100.0)), 2)
        low, high = (s["low"], s["high"]) if s["speech"] else (s["all_low"], s["all_high"])
        segments = s["speech"] if s["speech"] else total
        if segments == 0 or low / segments < HF_MIN_POWER:
            loss = 0.5
        else:
            ratio_db = 10.0 * math.log10(max(high, 1e-30) / low)
            loss = 1.0 / (1.0 + math.exp(max(-700.0, min(700.0, (ratio_db - HF_CENTRE_DB) / HF_WIDTH_DB))))
        details = AudioMetricsDetails(
            final=bool(final), end_time=round(self.duration, 2), signal_to_noise_ratio=snr,
            speech_ratio=round(s["speech"] / total, 3) if total else 0.0,
            high_frequency_loss=round(loss, 3),
            direct_current_offset=_bins(DC_OFFSET_EDGES, self._dc),
            clipping_rate=_bins(CLIPPING_EDGES, self._clip),
            speech_level=_bins(LEVEL_EDGES, self._speech_level),
            non_speech_level=_bins(LEVEL_EDGES, self._non_speech_level))
        return AudioMetrics(self.sampling_interval, details)


def audio_metrics(samples: np.ndarray, sample_rate: int, speech: np.ndarray,
                  frame_rate: float = 100.0) -> AudioMetrics:
    """The ``AudioMetrics`` of a whole recording and its speech decisions."""
    acc = AudioMetricsAccumulator(sample_rate, frame_rate)
    acc.accept(samples)
    acc.accept_speech(speech)
    acc.finish()
    return acc.metrics()


__all__ = ["AudioMetrics", "AudioMetricsDetails", "AudioMetricsAccumulator", "HistogramBin", "audio_metrics",
           "SAMPLING_INTERVAL", "DC_OFFSET_EDGES", "CLIPPING_EDGES", "LEVEL_EDGES", "level_of"]
