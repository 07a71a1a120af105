"""RIFF/WAVE reading with header validation.

Parsed here rather than handed to libsndfile so that every malformed header
(chunk sizes past the end of the file, missing ``fmt``/``data``, absurd
sample rates, inconsistent block alignment) gets a precise 400 error, and so
that a hostile header can never make us allocate or seek beyond the input.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from .. import limits
from ..errors import AudioError, UnsupportedMediaTypeError
from .g711 import decode_alaw, decode_mulaw

FORMAT_PCM = 0x0001
FORMAT_IEEE_FLOAT = 0x0003
FORMAT_ALAW = 0x0006
FORMAT_MULAW = 0x0007
FORMAT_EXTENSIBLE = 0xFFFE

#: Sizes some streaming writers put in headers when the length is unknown.
UNKNOWN_SIZES = (0xFFFFFFFF, 0x7FFFFFFF)

MIN_RATE = limits.MIN_SAMPLE_RATE
MAX_RATE = limits.MAX_SAMPLE_RATE
MAX_CHANNELS = limits.MAX_CHANNELS


@dataclass
class WavFormat:
    format_tag: int
    channels: int
    sample_rate: int
    block_align: int
    bits_per_sample: int


def is_wav(data: bytes) -> bool:
    return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def _parse_fmt(body: bytes) -> WavFormat:
    if len(body) < 16:
        raise AudioError(f"WAV fmt chunk is {len(body)} bytes; at least 16 are needed")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == FORMAT_EXTENSIBLE:
        if len(body) < 40:
            raise AudioError("WAV fmt chunk says WAVE_FORMAT_EXTENSIBLE but is shorter than 40 bytes")
        valid_bits = struct.unpack("<H", body[18:20])[0]
        # The sub-format GUID starts with the plain format tag.
        tag = struct.unpack("<H", body[24:26])[0]
        if valid_bits and valid_bits > bits:
            raise AudioError(f"WAV header says {valid_bits} valid bits in {bits}-bit samples")
    if channels < 1 or channels > MAX_CHANNELS:
        raise AudioError(f"WAV header says {channels} channels; 1-{MAX_CHANNELS} are supported")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError(f"WAV header gives an implausible sample rate of {rate} Hz (expected {MIN_RATE}-{MAX_RATE})")
    supported = {
        FORMAT_PCM: (8, 16, 24, 32),
        FORMAT_IEEE_FLOAT: (32, 64),
        FORMAT_ALAW: (8,),
        FORMAT_MULAW: (8,),
    }
    if tag not in supported:
        raise UnsupportedMediaTypeError(f"WAV encoding 0x{tag:04x} is not supported (PCM, IEEE float, A-law and mu-law are)")
    if bits not in supported[tag]:
        raise AudioError(f"WAV header says {bits} bits per sample, which is not valid for encoding 0x{tag:04x}")
    if block_align != channels * bits // 8:
        raise AudioError(
            f"WAV header block alignment {block_align} does not match {channels} channels of {bits}-bit samples"
        )
    return WavFormat(tag, channels, rate, block_align, bits)


def parse_wav(data: bytes) -> tuple[WavFormat, memoryview]:
    """Validate the RIFF structure; return the format and the sample bytes."""
    if len(data) < 12:
        raise AudioError(f"WAV data is truncated: {len(data)} bytes is shorter than a RIFF header")
    if not is_wav(data):
        raise AudioError("not a RIFF/WAVE file")
    view = memoryview(data)
    pos = 12
    fmt: WavFormat | None = None
    while pos + 8 <= len(data):
        chunk_id = bytes(view[pos : pos + 4])
        size = struct.unpack("<I", view[pos + 4 : pos + 8])[0]
        body_start = pos + 8
        remaining = len(data) - body_start
        if chunk_id == b"data":
            if fmt is None:
                raise AudioError("WAV data chunk comes before the fmt chunk")
            if size in UNKNOWN_SIZES:
                size = remaining  # streamed WAV: samples run to the end
            elif size > remaining:
                raise AudioError(
                    f"WAV data chunk claims {size} bytes but only {remaining} follow (truncated file?)"
                )
            body = view[body_start : body_start + size]
            usable = len(body) - len(body) % fmt.block_align
            return fmt, body[:usable]
        if size > remaining:
            name = chunk_id.decode("latin-1")
            raise AudioError(f"WAV chunk {name!r} claims {size} bytes but only {remaining} remain in the file")
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(bytes(view[body_start : body_start + size]))
        pos = body_start + size + (size & 1)
    if fmt is None:
        raise AudioError("WAV file has no fmt chunk")
    raise AudioError("WAV file has no data chunk")


def decode_samples(fmt: WavFormat, body: memoryview) -> np.ndarray:
    """Sample bytes to float32 (frames, channels) in [-1, 1]."""
    raw = bytes(body)
    tag, bits = fmt.format_tag, fmt.bits_per_sample
    if tag == FORMAT_PCM:
        if bits == 8:  # unsigned, offset binary
            x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
        elif bits == 16:
            x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
        elif bits == 24:
            b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
            v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
            v = np.where(v >= 1 << 23, v - (1 << 24), v)
            x = v.astype(np.float32) / float(1 << 23)
        else:
            x = (np.frombuffer(raw, "<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    elif tag == FORMAT_IEEE_FLOAT:
        x = np.frombuffer(raw, "<f4" if bits == 32 else "<f8").astype(np.float32)
        if not np.all(np.isfinite(x)):
            raise AudioError("WAV float samples contain NaN or infinity")
    elif tag == FORMAT_MULAW:
        x = decode_mulaw(raw)
    else:
        x = decode_alaw(raw)
    return x.reshape(-1, fmt.channels)
