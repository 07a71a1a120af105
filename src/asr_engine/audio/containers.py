"""Compressed and foreign containers decoded through libsndfile (soundfile):
FLAC, Ogg Vorbis/Opus, MP3, AU/SND, AIFF, RF64 and others it knows."""
from __future__ import annotations

import io

import numpy as np

from ..errors import AudioError, PayloadTooLargeError, UnsupportedMediaTypeError

try:  # soundfile wraps the system or bundled libsndfile
    import soundfile as _sf
except (ImportError, OSError) as exc:  # pragma: no cover - depends on the platform
    _sf = None
    _SF_ERROR = str(exc)


def sniff_container(data: bytes) -> str | None:
    """Name the container from its magic bytes, or None for unknown."""
    head = data[:16]
    if head[:4] == b"RIFF" and (len(head) < 12 or head[8:12] == b"WAVE"):
        return "wav"  # a short RIFF is a truncated WAV header
    if head[:4] in (b"RF64", b"RIFX", b"FORM"):
        return "sndfile"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0):
        return "mp3"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b".snd":
        return "sndfile"
    return None


def _require_soundfile() -> None:
    if _sf is None:  # pragma: no cover
        raise UnsupportedMediaTypeError(f"compressed audio needs libsndfile, which failed to load: {_SF_ERROR}")


def libsndfile_formats() -> set[str]:
    """Container names (upper case) this libsndfile can read."""
    return set(_sf.available_formats()) if _sf is not None else set()


def decode_container(data: bytes, label: str, max_duration: float | None) -> tuple[np.ndarray, int]:
    """Decode with libsndfile; returns (float32 frames x channels, rate).

    Args:
        label: what the caller says the data is, for error messages.
        max_duration: seconds; longer audio raises PayloadTooLargeError
            before it is decoded.
    """
    _require_soundfile()
    if label == "mp3" and "MP3" not in libsndfile_formats():
        raise UnsupportedMediaTypeError(
            f"this libsndfile ({_sf.__libsndfile_version__}) cannot decode MP3; convert the audio to FLAC or WAV"
        )
    stream = io.BytesIO(data)
    try:
        with _sf.SoundFile(stream) as f:
            rate, channels, frames = f.samplerate, f.channels, f.frames
            if not 1000 <= rate <= 384000:
                raise AudioError(f"{label} stream gives an implausible sample rate of {rate} Hz")
            if channels < 1 or channels > 64:
                raise AudioError(f"{label} stream has {channels} channels; 1-64 are supported")
            if max_duration is not None and frames > 0 and frames / rate > max_duration:
                raise PayloadTooLargeError(
                    f"audio lasts {frames / rate:.1f} s, more than the limit of {max_duration:g} s"
                )
            samples = f.read(dtype="float32", always_2d=True)
    except (AudioError, PayloadTooLargeError):
        raise
    except (RuntimeError, ValueError, TypeError, OverflowError, MemoryError) as exc:
        # soundfile raises LibsndfileError (a RuntimeError) for bad streams;
        # its message names the stream object, which means nothing to a user.
        message = str(exc).replace(repr(stream), "the uploaded audio")
        raise AudioError(f"cannot decode the {label} data: {message}") from None
    if not np.all(np.isfinite(samples)):
        raise AudioError(f"the {label} data decodes to NaN or infinite samples")
    return samples, int(rate)
