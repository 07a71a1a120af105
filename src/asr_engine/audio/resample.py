"""Sample-rate conversion with an anti-aliasing polyphase filter."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

#: Kaiser window shape of the polyphase low-pass filter: about 50 dB of
#: stop-band attenuation, ample for 16-bit speech feeding 40 mel filters.
KAISER_BETA = 5.0

#: Largest up- or down-sampling factor of the polyphase filter. Its length
#: (and cost) grows with the factors, which for coprime rates such as
#: 383999 -> 16000 Hz would be millions of taps; such ratios are replaced by
#: the nearest one with factors up to this bound (a rate error far below the
#: 0.1% that speech recognition notices).
MAX_FACTOR = 1000


def resampling_factors(from_rate: int, to_rate: int) -> tuple[int, int]:
    """(up, down) of the polyphase filter taking ``from_rate`` to ``to_rate``."""
    ratio = Fraction(int(to_rate), int(from_rate))
    if ratio.numerator > MAX_FACTOR or ratio.denominator > MAX_FACTOR:
        # Bound the larger term; the smaller one is then bounded too.
        ratio = ratio.limit_denominator(MAX_FACTOR) if ratio < 1 else 1 / (1 / ratio).limit_denominator(MAX_FACTOR)
    return ratio.numerator, ratio.denominator


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample mono float32 audio from ``from_rate`` to ``to_rate`` Hz.

    Uses a polyphase FIR whose cut-off sits at the lower of the two Nyquist
    frequencies, so down-sampling does not alias.
    """
    if from_rate == to_rate or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    # Imported here: scipy.signal costs ~75 MB and 0.5 s to import, and most
    # audio arrives at the model's rate already.
    from scipy.signal import resample_poly

    up, down = resampling_factors(from_rate, to_rate)
    out = resample_poly(samples.astype(np.float32, copy=False), up, down, window=("kaiser", KAISER_BETA))
    return out.astype(np.float32, copy=False)


class StreamingResampler:
    """The same conversion as :func:`resample`, fed in chunks.

    The filter is the one ``scipy.signal.resample_poly`` designs (cut-off at
    the lower Nyquist frequency, 20 x max(up, down) + 1 Kaiser-windowed
    taps), applied directly in polyphase form: each call emits the output
    samples whose filter support the input received so far covers, and
    keeps only the input tail the next outputs still need. So the chunks'
    outputs, concatenated, equal ``resample`` of the whole signal (to float
    rounding), whatever the chunk sizes, and memory stays bounded.
    """

    def __init__(self, from_rate: int, to_rate: int) -> None:
        self.up, self.down = resampling_factors(from_rate, to_rate)
        self._same = self.up == self.down
        if not self._same:
            from scipy.signal import firwin

            max_rate = max(self.up, self.down)
            self._half = 10 * max_rate
            self._h = (firwin(2 * self._half + 1, 1.0 / max_rate, window=("kaiser", KAISER_BETA)) * self.up)
            self._taps = -(-(2 * self._half + 1) // self.up) + 1
        self._buf = np.zeros(0, np.float64)
        self._offset = 0  # input index of _buf[0]
        self._n_in = 0
        self._n_out = 0

    def accept(self, samples: np.ndarray) -> np.ndarray:
        """Resample the next chunk; returns the output samples now complete."""
        x = np.asarray(samples, np.float32).reshape(-1)
        if self._same:
            return x
        self._buf = np.concatenate([self._buf, x.astype(np.float64)])
        self._n_in += x.size
        end = -(-(self._n_in * self.up - self._half) // self.down)
        return self._emit(max(end, self._n_out))

    def finish(self) -> np.ndarray:
        """The remaining output (the input's end is padded with zeros, as in :func:`resample`)."""
        if self._same:
            return np.zeros(0, np.float32)
        return self._emit(-(-(self._n_in * self.up) // self.down))

    def _emit(self, end: int) -> np.ndarray:
        if end <= self._n_out:
            return np.zeros(0, np.float32)
        m = np.arange(self._n_out, end, dtype=np.int64)
        j = (m * self.down + self._half)[:, None] // self.up - np.arange(self._taps)[None, :]
        k = m[:, None] * self.down + self._half - j * self.up
        ok = (k >= 0) & (k < self._h.size) & (j >= self._offset) & (j < self._n_in)
        x = np.where(ok, self._buf[np.clip(j - self._offset, 0, max(self._buf.size - 1, 0))], 0.0) \
            if self._buf.size else np.zeros(j.shape)
        y = np.sum(np.where(ok, self._h[np.clip(k, 0, self._h.size - 1)], 0.0) * x, axis=1)
        self._n_out = end
        first_needed = max(0, -(-(end * self.down - self._half) // self.up))
        drop = min(max(0, first_needed - self._offset), self._buf.size)
        self._buf = self._buf[drop:]
        self._offset += drop
        return y.astype(np.float32)
