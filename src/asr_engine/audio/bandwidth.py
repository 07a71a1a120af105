"""Telling audio that was recorded at 8 kHz (telephone band) and stored at a
higher rate from true wideband audio.

A file's rate says little about its band: 8 kHz recordings are often kept
up-sampled to 16 kHz, and then they carry nothing above 4 kHz but resampler
leakage. Such audio decodes much better with the narrowband model (on the
dev set's ``osr`` recordings, 8 kHz originals stored at 16 kHz: 72.4 % WER
with the wideband model, 45.9 % with the narrowband one).

The test is the energy above 4.5 kHz (clear of resamplers' transition
bands) relative to the 300-3800 Hz band, over the loudest 30 % of 32 ms
frames (speech, not the pauses where only noise is left). On the dev set,
up-sampled 8 kHz recordings give at most 1.8e-6; wideband recordings at
least 1.6e-5 (fricatives put energy up there); so the threshold is 5e-6,
a factor of about 3 from either side. Wideband dev audio sent through our
own 8 kHz round trip gives at most 1.4e-5: a cruder resampler can leave a
recording on the wideband model (as before), which costs accuracy only.
"""
from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

#: Upper-band to speech-band energy ratio below which audio counts as 8 kHz band.
NARROWBAND_RATIO = 5e-6
_FRAME_SECONDS = 0.032
_LOUD_SHARE = 0.3


def high_band_ratio(samples: np.ndarray, sample_rate: int) -> float:
    """Energy above 4.5 kHz over energy in 300-3800 Hz, in the loudest frames.

    Returns 1.0 (wideband, nothing to decide) for audio at 8 kHz or less or
    shorter than two frames, and for silence.
    """
    if not isinstance(samples, np.ndarray) or samples.ndim != 1:
        raise InvalidArgumentError("samples must be a 1-D numpy array")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise InvalidArgumentError(f"sample_rate must be a positive integer, got {sample_rate!r}")
    if sample_rate <= 8400:
        return 1.0
    n = 1 << int(round(np.log2(_FRAME_SECONDS * sample_rate)))
    if samples.size < 2 * n:
        return 1.0
    x = samples.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise InvalidArgumentError("samples must be finite")
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[:: n // 2] * np.hanning(n)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    energy = power.sum(axis=1)
    loud = power[energy >= np.quantile(energy, 1.0 - _LOUD_SHARE)]
    speech = loud[:, (freqs > 300) & (freqs < 3800)].sum()
    if not speech > 0:
        return 1.0
    return float(loud[:, freqs > 4500].sum() / speech)


def is_narrowband(samples: np.ndarray, sample_rate: int) -> bool:
    """True if audio at a rate above 8 kHz carries only the 8 kHz band (an up-sampled telephone-band recording)."""
    return high_band_ratio(samples, sample_rate) < NARROWBAND_RATIO


__all__ = ["high_band_ratio", "is_narrowband", "NARROWBAND_RATIO"]
