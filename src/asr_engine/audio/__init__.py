"""Audio input: decode, down-mix, resample and validate.

``load_audio`` accepts a path, bytes, a binary file object or a numpy array,
in any of the formats the cloud services accept (WAV in its common
encodings, FLAC, Ogg Vorbis/Opus, MP3, headerless L16 / mu-law / A-law), and
returns mono float32 samples at the model's rate. Every malformed input
raises an :class:`~asr_engine.errors.AudioError` (400) or
:class:`~asr_engine.errors.UnsupportedMediaTypeError` (415) with a message a
person can act on.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO, Union

import numpy as np

from .. import limits
from ..errors import AudioError, InvalidArgumentError, PayloadTooLargeError, UnsupportedMediaTypeError
from . import wav
from .containers import decode_container, sniff_container
from .content_type import ContentType, parse_content_type
from .g711 import decode_alaw, decode_mulaw
from .resample import resample
from ..validation import checked_arguments

AudioSource = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO, np.ndarray]

#: Default cap on encoded input, as the services' synchronous recognize call.
DEFAULT_MAX_BYTES = limits.MAX_AUDIO_BYTES


@dataclass
class Audio:
    """Decoded audio, ready for the front end.

    Attributes:
        samples: mono float32 samples, full scale 1.0, at ``sample_rate``.
        sample_rate: rate of ``samples`` in Hz (the model's rate).
        original_rate: rate of the input in Hz.
        channels: channels of the input (down-mixed to one).
        duration: length in seconds.
        encoding: what was decoded, e.g. ``wav/pcm16``, ``flac``, ``l16``.
    """

    samples: np.ndarray
    sample_rate: int
    original_rate: int
    channels: int
    duration: float
    encoding: str


@checked_arguments
def load_audio(
    source: AudioSource,
    content_type: str | None = None,
    *,
    sample_rate: int | None = 16000,
    input_rate: int | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_duration: float | None = None,
    allow_empty: bool = False,
) -> Audio:
    """Decode audio from a path, bytes, a binary file object or an array.

    Args:
        source: the audio. A ``str``/``PathLike`` is a file path; ``bytes``-like
            or an object with ``read()`` is encoded audio; a numpy array is
            samples (1-D, or frames x channels; integer types are PCM, floats
            are full scale 1.0) and needs ``input_rate``.
        content_type: MIME type as the services spell it, e.g.
            ``audio/l16;rate=8000;endianness=big-endian``. Needed for
            headerless audio; containers are detected from their bytes.
        sample_rate: rate to resample to (the model's); None keeps the input rate.
        input_rate: sample rate of a numpy ``source``.
        max_bytes: largest encoded input accepted (413 beyond it); None: no limit.
        max_duration: longest audio accepted in seconds (413 beyond it); None: no limit.
        allow_empty: return zero samples instead of raising for empty audio.

    Raises:
        AudioError: malformed, truncated or empty audio, bad parameters (400).
        UnsupportedMediaTypeError: a type or codec that cannot be decoded (415).
        PayloadTooLargeError: over ``max_bytes`` or ``max_duration`` (413).
        NotFoundError: a path that does not exist (404).
    """
    sample_rate = _rate(sample_rate, "sample_rate", allow_none=True)
    input_rate = _rate(input_rate, "input_rate", allow_none=True)
    max_bytes = _param(limits.check_int, max_bytes, "max_bytes", 0)
    max_duration = _param(limits.check_float, max_duration, "max_duration", 0.0)
    if not isinstance(allow_empty, bool):
        raise InvalidArgumentError(f"allow_empty must be True or False, got {type(allow_empty).__name__}")
    if content_type is not None and not isinstance(content_type, str):
        raise InvalidArgumentError(f"content_type must be a MIME type string, got {type(content_type).__name__}")
    ctype = parse_content_type(content_type)
    if isinstance(source, np.ndarray):
        frames, rate, encoding = _from_array(source, input_rate)
    else:
        data = _read_bytes(source, max_bytes)
        frames, rate, encoding = _decode(data, ctype, max_duration)
    channels = frames.shape[1] if frames.ndim == 2 else 1
    mono = frames.mean(axis=1, dtype=np.float32) if frames.ndim == 2 and channels > 1 else frames.reshape(-1)
    duration = mono.size / rate
    if max_duration is not None and duration > max_duration:
        raise PayloadTooLargeError(f"audio lasts {duration:.1f} s, more than the limit of {max_duration:g} s")
    if mono.size == 0 and not allow_empty:
        raise AudioError("the audio contains no samples")
    target = rate if sample_rate is None else int(sample_rate)
    out = resample(mono, rate, target)
    return Audio(np.ascontiguousarray(out, dtype=np.float32), target, rate, channels, duration, encoding)


def _param(check, value, name: str, low):
    """A checked option, as an AudioError (400) naming it."""
    try:
        return check(value, name, low, allow_none=True)
    except InvalidArgumentError as e:
        raise AudioError(e.message) from None


def _rate(value, name: str, *, allow_none: bool) -> int | None:
    rate = _param(limits.check_int, value, name, 0) if (value is not None or not allow_none) else None
    if rate is not None and not wav.MIN_RATE <= rate <= wav.MAX_RATE:
        raise AudioError(f"{name} {rate} Hz is outside {wav.MIN_RATE}-{wav.MAX_RATE} Hz")
    return rate


def _read_bytes(source, max_bytes: int | None) -> bytes:
    limit = max_bytes
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            data = limits.read_file(source, "audio file", limit)
        except InvalidArgumentError as e:
            raise AudioError(e.message) from None
    elif hasattr(source, "read"):
        data = source.read() if limit is None else source.read(limit + 1)
        if not isinstance(data, (bytes, bytearray)):
            raise AudioError("the file object must be opened in binary mode")
        data = bytes(data)
    else:
        raise AudioError(f"cannot read audio from {type(source).__name__}; give a path, bytes, "
                         "a binary file object or a numpy array")
    if limit is not None and len(data) > limit:
        raise PayloadTooLargeError(f"audio input is larger than the limit of {limit} bytes")
    return data


def _from_array(a: np.ndarray, rate: int | None) -> tuple[np.ndarray, int, str]:
    if rate is None:
        raise AudioError("a numpy array of samples needs input_rate (its sample rate in Hz)")
    rate = _rate(rate, "input_rate", allow_none=False)
    from .input import array_frames

    return array_frames(a), int(rate), f"array/{a.dtype}"


def _decode(data: bytes, ctype: ContentType, max_duration: float | None) -> tuple[np.ndarray, int, str]:
    if len(data) == 0:
        raise AudioError("the audio input is empty (0 bytes)")
    kind = ctype.kind
    if kind in ("l16", "mulaw", "alaw"):
        return _decode_raw(data, ctype)
    if kind == "basic" and data[:4] != b".snd":
        # audio/basic without an AU header: 8-bit mu-law, 8 kHz, mono.
        return _decode_raw(data, ContentType("audio/mulaw", {"rate": "8000"}))
    found = sniff_container(data)
    if kind == "webm" or found == "webm":
        raise UnsupportedMediaTypeError(
            "audio/webm cannot be decoded: libsndfile has no WebM (Matroska) demuxer; "
            "send the same Opus or Vorbis stream as audio/ogg, or FLAC/WAV"
        )
    if kind != "auto" and kind != "basic":
        expected = {"wav": ("wav", "sndfile"), "flac": ("flac",), "ogg": ("ogg",), "mp3": ("mp3",)}[kind]
        if found not in expected:
            raise AudioError(f"the data is not {ctype.media_type} (its first bytes do not match that format)")
        codecs = ctype.params.get("codecs")
        if kind == "ogg" and codecs not in (None, "opus", "vorbis"):
            raise UnsupportedMediaTypeError(f"Ogg codec {codecs!r} is not supported (opus and vorbis are)")
    if found is None:
        raise UnsupportedMediaTypeError(
            "cannot recognise the audio format; for headerless audio give a content type such as "
            "audio/l16;rate=16000 or audio/mulaw;rate=8000"
        )
    if found == "wav":
        fmt, body = wav.parse_wav(data)
        if max_duration is not None and len(body) / fmt.block_align / fmt.sample_rate > max_duration:
            raise PayloadTooLargeError(f"audio is longer than the limit of {max_duration:g} s")
        names = {wav.FORMAT_PCM: f"pcm{fmt.bits_per_sample}", wav.FORMAT_IEEE_FLOAT: f"float{fmt.bits_per_sample}",
                 wav.FORMAT_MULAW: "mulaw", wav.FORMAT_ALAW: "alaw"}
        return wav.decode_samples(fmt, body), fmt.sample_rate, "wav/" + names[fmt.format_tag]
    frames, rate = decode_container(data, found if found != "sndfile" else "audio", max_duration)
    return frames, rate, found


def _decode_raw(data: bytes, ctype: ContentType) -> tuple[np.ndarray, int, str]:
    kind = ctype.kind
    rate = ctype.int_param("rate", low=wav.MIN_RATE, high=wav.MAX_RATE)
    if rate is None:
        raise AudioError(f"rate parameter missing in mimetype {ctype.media_type}")
    channels = ctype.int_param("channels", 1, low=1, high=16)
    if kind == "l16":
        if len(data) % (2 * channels):
            data = data[: len(data) - len(data) % (2 * channels)]
        endian = ctype.params.get("endianness")
        if endian not in (None, "little-endian", "big-endian"):
            raise AudioError(f"endianness must be little-endian or big-endian, got {endian!r}")
        if endian is None:
            endian = _detect_endianness(data)
        x = np.frombuffer(data, "<i2" if endian == "little-endian" else ">i2").astype(np.float32) / 32768.0
    elif kind == "mulaw":
        x = decode_mulaw(data[: len(data) - len(data) % channels])
    else:
        x = decode_alaw(data[: len(data) - len(data) % channels])
    return x.reshape(-1, channels), rate, kind


def _detect_endianness(data: bytes) -> str:
    """Guess the byte order of headerless 16-bit PCM.

    Speech is low-pass, so read in the right byte order consecutive samples
    are close; in the wrong order the low byte lands in the high bits and
    the signal looks like noise. Silence gives no evidence: little-endian.
    """
    n = min(len(data) // 2, 160000)
    if n < 2:
        return "little-endian"
    le = np.frombuffer(data[: 2 * n], "<i2").astype(np.float64)
    be = np.frombuffer(data[: 2 * n], ">i2").astype(np.float64)
    roughness_le = np.mean(np.abs(np.diff(le))) / (np.mean(np.abs(le)) + 1e-9)
    roughness_be = np.mean(np.abs(np.diff(be))) / (np.mean(np.abs(be)) + 1e-9)
    return "big-endian" if roughness_be < 0.5 * roughness_le else "little-endian"


__all__ = ["Audio", "AudioSource", "load_audio", "parse_content_type", "ContentType", "DEFAULT_MAX_BYTES"]
