"""Which model decodes a recording: the wideband one or the narrowband one.

With the default model (``pick_model_by_rate``), a
:class:`~asr_engine.Recognizer` sends audio recorded at 8 kHz or less to its
narrowband counterpart (:meth:`~asr_engine.Recognizer.narrowband`), and so
audio recorded at 8 kHz and stored at a higher rate, told by its empty band
above 4 kHz (:mod:`asr_engine.audio.bandwidth`), for plain n-gram
recognition. These are the tests, on decoded audio and on a long WAV file
read block by block (never whole).
"""
from __future__ import annotations

import os
import wave
from typing import Any, Optional

import numpy as np

from . import long_audio as _long
from .audio import Audio
from .audio.bandwidth import is_narrowband
from .audio.input import read_audio
from .errors import AudioError

#: Seconds at the start of a long WAV that tell whether it is band-limited.
NARROWBAND_PROBE_SECONDS = 30.0


def narrowband_audio(decoded: Audio, plain: bool) -> bool:
    """Whether decoded audio goes to the narrowband model: recorded at
    8 kHz or less, or (``plain`` n-gram recognition) band-limited."""
    return decoded.original_rate <= 8000 or (plain and is_narrowband(decoded.samples, decoded.sample_rate))


def narrowband_wav(path: object, plain: bool, sample_rate: int) -> bool:
    """Whether a long WAV file goes to the narrowband model: recorded at
    8 kHz or less, or (``plain`` n-gram recognition) band-limited in its
    first :data:`NARROWBAND_PROBE_SECONDS` (read at ``sample_rate``, the
    wideband model's), as a recording's channel is the same all through."""
    try:
        with wave.open(os.fspath(path), "rb") as w:  # type: ignore[call-overload]
            if w.getframerate() <= 8000:
                return True
    except _long._WAVE_ERRORS as e:
        raise AudioError(f"cannot read the WAV file {os.fspath(path)!s}: {e or type(e).__name__}") from None  # type: ignore[call-overload]
    if not plain:
        return False
    probe, seconds = [], 0.0
    for block in _long.wav_blocks(path, sample_rate):
        probe.append(block)
        seconds += len(block) / sample_rate
        if seconds >= NARROWBAND_PROBE_SECONDS:
            break
    return bool(probe) and is_narrowband(np.concatenate(probe), sample_rate)


def goes_narrowband(audio: Any, content_type: Optional[str], *, sample_rate: Optional[int], plain: bool,
                    speaker_adaptation: bool, target_rate: int) -> bool:
    """Whether ``recognize`` sends ``audio`` to the narrowband model (when
    the recognizer picks by rate): a long WAV file tested as ``recognize``
    reads it, block by block, any other audio decoded (at ``target_rate``)."""
    long_wav = _long.wav_duration(audio) if content_type is None else None
    if long_wav is not None and not speaker_adaptation and long_wav > _long.LONG_AUDIO_SECONDS:
        return narrowband_wav(audio, plain, target_rate)
    decoded = read_audio(audio, content_type, sample_rate=sample_rate, target_rate=target_rate)
    return narrowband_audio(decoded, plain)
