"""Speaking rate and pauses of a forced alignment, and the fluency score.

``speech_timing`` measures, between the first and the last reference word:
the speaking rate in phones per second of speech (pauses excluded) and the
share of that span spent in pauses (silence or noise segments of at least
:data:`MIN_PAUSE` seconds). ``fluency`` turns them into 0-1 against native
statistics measured on the dev set (``benchmarks/calibrate_pronunciation.py``;
see :mod:`.calibration`).
"""
from __future__ import annotations

import math
from typing import Optional

from ..align import Alignment
from . import calibration as cal

__all__ = ["MIN_PAUSE", "speech_timing", "fluency"]

#: Silences shorter than this (seconds) are part of articulation, not pauses.
MIN_PAUSE = 0.10


def speech_timing(alignment: Alignment) -> tuple[Optional[float], float]:
    """``(phones per second of speech, pause share)`` between the first and
    last reference word; ``(None, 0.0)`` when nothing was aligned."""
    words = [w for w in alignment.words if not w.filler]
    if not words:
        return None, 0.0
    first, last = words[0].start, words[-1].end
    span = last - first
    if span <= 0:
        return None, 0.0
    pause = sum(w.end - w.start for w in alignment.words
                if w.filler and w.start >= first and w.end <= last and w.end - w.start >= MIN_PAUSE)
    phones = sum(w.phones[1] - w.phones[0] for w in words)
    speech = max(span - pause, 1e-3)
    return phones / speech, pause / span


def fluency(rate: Optional[float], pause_share: float) -> float:
    """Fluency in [0, 1]: 1 within the native range, falling off with pause
    time beyond native and with a rate far from native (log scale)."""
    if rate is None:
        return 0.0
    excess = max(0.0, pause_share - cal.NATIVE_PAUSE_SHARE_P90)
    pause_term = max(0.0, 1.0 - cal.PAUSE_WEIGHT * excess)
    z = abs(math.log(rate) - cal.NATIVE_LOG_RATE_MEAN) / cal.NATIVE_LOG_RATE_SD
    rate_term = 1.0 if z <= 2.0 else math.exp(-0.5 * (z - 2.0) ** 2)
    return pause_term * rate_term
