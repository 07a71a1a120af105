"""G.711 mu-law and A-law expansion to linear PCM (ITU-T G.711)."""
from __future__ import annotations

import numpy as np


def _mulaw_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(sign != 0, -magnitude, magnitude).astype(np.float32) / 32768.0


def _alaw_table() -> np.ndarray:
    codes = np.arange(256, dtype=np.int32) ^ 0x55
    sign = codes & 0x80
    exponent = (codes >> 4) & 0x07
    mantissa = codes & 0x0F
    magnitude = np.where(
        exponent == 0,
        (mantissa << 4) + 8,
        ((mantissa << 4) + 0x108) << np.maximum(exponent - 1, 0),
    )
    return np.where(sign != 0, magnitude, -magnitude).astype(np.float32) / 32768.0


MULAW_TABLE = _mulaw_table()
ALAW_TABLE = _alaw_table()


def decode_mulaw(data: bytes) -> np.ndarray:
    """8-bit mu-law bytes to float32 samples in [-1, 1)."""
    return MULAW_TABLE[np.frombuffer(data, dtype=np.uint8)]


def decode_alaw(data: bytes) -> np.ndarray:
    """8-bit A-law bytes to float32 samples in [-1, 1)."""
    return ALAW_TABLE[np.frombuffer(data, dtype=np.uint8)]
