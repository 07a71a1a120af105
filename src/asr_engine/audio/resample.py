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
