"""The one audio input contract of recognition, alignment and streams.

Every call that takes audio (``Recognizer.recognize``, ``align``,
``Stream.accept`` and the façades above them) accepts the same sources:

* a path (``str`` or ``os.PathLike``) to an encoded file;
* ``bytes`` / ``bytearray`` / ``memoryview`` of an encoded file, or of
  headerless audio described by ``content_type`` (``audio/l16;rate=8000``);
* a binary file object (anything with ``read()``);
* a numpy array of samples with ``sample_rate=`` (its rate in Hz): 1-D, or
  frames x channels (down-mixed); int16 is scaled by 32768, other integer
  types by their width (unsigned ones are offset binary, as 8-bit WAV),
  float32/float64 are full scale 1.0 and range-checked;
* a decoded :class:`~asr_engine.audio.Audio`.

Audio at another rate than the model's is resampled. Anything else raises
an :class:`~asr_engine.errors.AudioError` that names what was given and
what is accepted.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, Union

import numpy as np

from ..errors import AudioError, InvalidArgumentError
from . import wav
from .resample import StreamingResampler, resample

if TYPE_CHECKING:
    from . import Audio

#: The sources every audio-taking call accepts (see the module docstring).
AudioInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO, np.ndarray, "Audio"]

#: What every audio-taking call accepts, for error messages.
ACCEPTED = ("a path, bytes (with content_type for headerless audio), a binary file object, "
            "a numpy array with sample_rate=, or an Audio")

#: Largest magnitude accepted in float sample arrays (full scale is 1.0; a
#: little headroom for filtered audio). Beyond it the array almost always
#: holds integer PCM values stored as floats.
MAX_FLOAT_PEAK = 2.0


def check_rate(rate: object, name: str = "sample_rate") -> int:
    """``rate`` as an int in the supported range, else InvalidArgumentError."""
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)):
        if isinstance(rate, (float, np.floating)) and float(rate).is_integer():
            rate = int(rate)
        else:
            raise InvalidArgumentError(f"{name} must be an integer number of Hz, got {rate!r} "
                                       f"({type(rate).__name__})")
    if not wav.MIN_RATE <= int(rate) <= wav.MAX_RATE:
        raise InvalidArgumentError(f"{name} {rate} Hz is outside {wav.MIN_RATE}-{wav.MAX_RATE} Hz")
    return int(rate)


def array_frames(a: object, *, mono_only: bool = False) -> "np.ndarray[Any, np.dtype[np.float32]]":
    """Samples of a numpy array as float32 frames x channels, full scale 1.0.

    Raises:
        AudioError: an array that is not 1-D or frames x channels, a dtype
            that is not a real number type, NaN/infinity, or floats beyond
            :data:`MAX_FLOAT_PEAK`.
    """
    if not isinstance(a, np.ndarray):
        raise AudioError(f"expected a numpy array of samples, got {type(a).__name__}")
    if a.ndim == 2 and mono_only and a.shape[1] != 1:
        raise AudioError(f"stream chunks must be mono (1-D or frames x 1), got shape {a.shape}; "
                         "down-mix the channels first")
    if a.ndim not in (1, 2) or (a.ndim == 2 and not 1 <= a.shape[1] <= wav.MAX_CHANNELS):
        raise AudioError(f"a sample array must be 1-D or frames x channels (1-{wav.MAX_CHANNELS}), "
                         f"got shape {a.shape}")
    kind = a.dtype.kind
    if kind == "f" and a.dtype.itemsize in (4, 8):
        if a.size and not np.all(np.isfinite(a)):
            raise AudioError("the sample array contains NaN or infinity")
        peak = float(np.max(np.abs(a))) if a.size else 0.0
        if peak > MAX_FLOAT_PEAK:
            raise AudioError(f"float samples must be full scale 1.0, but the peak is {peak:g}; "
                             "pass integer PCM as an integer array (e.g. int16)")
        x = a.astype(np.float32)
    elif kind == "i":
        x = (a.astype(np.float64) / float(2 ** (8 * a.dtype.itemsize - 1))).astype(np.float32)
    elif kind == "u":
        half = float(2 ** (8 * a.dtype.itemsize - 1))
        x = ((a.astype(np.float64) - half) / half).astype(np.float32)
    else:
        raise AudioError(f"unsupported sample type {a.dtype}; use int16, another integer type, "
                         "float32 or float64")
    return x if x.ndim == 2 else x.reshape(-1, 1)


def read_audio(
    source: object,
    content_type: Optional[str] = None,
    *,
    sample_rate: Optional[int] = None,
    target_rate: int,
    allow_empty: bool = True,
) -> "Audio":
    """Decode any accepted source (see the module docstring) to mono
    float32 at ``target_rate``.

    Args:
        source: the audio.
        content_type: MIME type of encoded bytes (needed for headerless audio).
        sample_rate: the rate of a numpy array, in Hz; only for arrays.
        target_rate: the rate the caller needs (the model's).
        allow_empty: return zero samples for empty audio instead of raising.
    """
    from . import Audio, load_audio

    if isinstance(source, Audio):
        if sample_rate is not None:
            raise InvalidArgumentError("sample_rate applies to numpy arrays; an Audio carries its own rate")
        if not isinstance(source.samples, np.ndarray) or source.samples.dtype != np.float32 \
                or source.samples.ndim != 1:
            raise AudioError("Audio.samples must be a 1-D float32 array (use load_audio to make an Audio)")
        check_rate(source.sample_rate, "Audio.sample_rate")
        if source.sample_rate == target_rate:
            return source
        out = resample(source.samples, source.sample_rate, target_rate)
        return Audio(out, target_rate, source.original_rate, source.channels, source.duration, source.encoding)
    if isinstance(source, np.ndarray):
        if sample_rate is None:
            raise InvalidArgumentError(f"a numpy array of samples needs sample_rate= (its rate in Hz; "
                                       f"the model's is {target_rate})")
        if content_type is not None:
            raise InvalidArgumentError("content_type describes encoded bytes; a numpy array takes sample_rate=")
        rate = check_rate(sample_rate)
        frames = array_frames(source)
        mono = frames.mean(axis=1, dtype=np.float32) if frames.shape[1] > 1 else frames.reshape(-1)
        if mono.size == 0 and not allow_empty:
            raise AudioError("the audio contains no samples")
        out = resample(mono, rate, target_rate)
        return Audio(np.ascontiguousarray(out, np.float32), target_rate, rate, frames.shape[1],
                     mono.size / rate, f"array/{source.dtype}")
    if isinstance(source, (str, os.PathLike, bytes, bytearray, memoryview)) or hasattr(source, "read"):
        if sample_rate is not None:
            raise InvalidArgumentError("sample_rate applies to numpy arrays; give the rate of headerless "
                                       "bytes in content_type, e.g. 'audio/l16;rate=8000'")
        if content_type is not None and not isinstance(content_type, str):
            raise InvalidArgumentError(f"content_type must be a MIME type string, got "
                                       f"{type(content_type).__name__}")
        return load_audio(source, content_type, sample_rate=target_rate, allow_empty=allow_empty)  # type: ignore[arg-type]
    raise AudioError(f"cannot take audio from {type(source).__name__}; give {ACCEPTED}")


class StreamInput:
    """Turns a stream's chunks into mono float32 samples at ``target_rate``.

    A chunk is a numpy array (mono, at ``sample_rate``, default the target
    rate), headerless bytes when the stream's ``content_type`` is
    ``audio/l16``, ``audio/mulaw`` or ``audio/alaw`` (a sample split across
    chunks is carried over; L16's byte order, when not given, is detected on
    the first chunk and then kept), or a whole encoded file (path, bytes of
    a WAV/FLAC/..., file object). Rate conversion runs across chunks with a
    :class:`~asr_engine.audio.resample.StreamingResampler`, so it equals
    converting the whole stream at once.
    """

    def __init__(self, target_rate: int, sample_rate: Optional[int] = None,
                 content_type: Optional[str] = None) -> None:
        from .content_type import parse_content_type

        self.rate = target_rate if sample_rate is None else check_rate(sample_rate)
        if content_type is not None and not isinstance(content_type, str):
            raise InvalidArgumentError(f"content_type must be a MIME type string, got {type(content_type).__name__}")
        self._ctype = parse_content_type(content_type)
        self._content_type = content_type
        self._raw = self._ctype.kind in ("l16", "mulaw", "alaw")
        if self._raw:
            rate = self._ctype.int_param("rate", low=wav.MIN_RATE, high=wav.MAX_RATE)
            if rate is None:
                raise AudioError(f"rate parameter missing in mimetype {self._ctype.media_type}")
            if sample_rate is not None and rate != self.rate:
                raise InvalidArgumentError(f"sample_rate {sample_rate} contradicts the content type's rate {rate}")
            self.rate = rate
            self._channels = self._ctype.int_param("channels", 1, low=1, high=16)
            self._endian = self._ctype.params.get("endianness")
        self._carry = b""
        self._resampler = StreamingResampler(self.rate, target_rate)
        self._target = target_rate

    def accept(self, chunk: object) -> "np.ndarray[Any, np.dtype[np.float32]]":
        """Samples of one chunk at the target rate (some may wait for the next chunk)."""
        if isinstance(chunk, np.ndarray):
            frames = array_frames(chunk, mono_only=True)
            return self._resampler.accept(frames.reshape(-1))
        if self._raw and isinstance(chunk, (bytes, bytearray, memoryview)):
            return self._resampler.accept(self._decode_raw(bytes(chunk)))
        if isinstance(chunk, (str, os.PathLike, bytes, bytearray, memoryview)) or hasattr(chunk, "read"):
            from . import load_audio

            audio = load_audio(chunk, None if self._raw else self._content_type, sample_rate=self.rate,  # type: ignore[arg-type]
                               allow_empty=True)
            return self._resampler.accept(audio.samples)
        raise AudioError(f"a stream chunk cannot be {type(chunk).__name__}; give a mono numpy array at "
                         f"{self.rate} Hz, bytes, a path or a binary file object")

    def finish(self) -> "np.ndarray[Any, np.dtype[np.float32]]":
        """The samples the resampler still holds."""
        return self._resampler.finish()

    def _decode_raw(self, data: bytes) -> "np.ndarray[Any, np.dtype[np.float32]]":
        from . import _detect_endianness
        from .g711 import decode_alaw, decode_mulaw

        data = self._carry + data
        width = (2 if self._ctype.kind == "l16" else 1) * self._channels
        usable = len(data) - len(data) % width
        data, self._carry = data[:usable], data[usable:]
        if self._ctype.kind == "l16":
            if self._endian is None:
                if not data:
                    return np.zeros(0, np.float32)
                self._endian = _detect_endianness(data)
            dtype = "<i2" if self._endian == "little-endian" else ">i2"
            x = np.frombuffer(data, dtype).astype(np.float32) / 32768.0
        elif self._ctype.kind == "mulaw":
            x = decode_mulaw(data)
        else:
            x = decode_alaw(data)
        frames = x.reshape(-1, self._channels)
        return frames.mean(axis=1, dtype=np.float32) if self._channels > 1 else frames.reshape(-1)


__all__ = ["ACCEPTED", "MAX_FLOAT_PEAK", "AudioInput", "StreamInput", "array_frames", "check_rate", "read_audio"]
