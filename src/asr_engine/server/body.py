"""Reading request bodies within the services' limits.

Every body is read in chunks against a byte cap (413 past it), and uploads
are held to the service's session rule (§1.5): at least 15 s of audio in
every 30 s of wall time, so a slow-loris client is cut off with 408 instead
of holding a worker and a socket forever.
"""
from __future__ import annotations

import asyncio
import re
import struct
import time
from typing import AsyncIterator, Optional

from ..errors import AsrError, PayloadTooLargeError

#: Bytes per audio second assumed for compressed audio: 16 kbit/s, the
#: lowest bit rate of speech codecs that the service accepts at full rate.
COMPRESSED_BYTES_PER_SECOND = 2000


class SessionTimeoutError(AsrError):
    default_code = 408


def too_large_message() -> str:
    return "Request failed because the input stream is larger than 100 MB"


def bytes_per_second(content_type: Optional[str], head: bytes = b"") -> float:
    """Bytes per second of audio for the session clock."""
    ct = (content_type or "").lower()
    rate = re.search(r"rate\s*=\s*(\d+)", ct)
    channels = re.search(r"channels\s*=\s*(\d+)", ct)
    r = int(rate.group(1)) if rate else 16000
    c = int(channels.group(1)) if channels else 1
    if ct.startswith("audio/l16"):
        return max(1, r * 2 * c)
    if ct.startswith(("audio/mulaw", "audio/alaw", "audio/basic")):
        return max(1, r * c if ct.startswith(("audio/mulaw", "audio/alaw")) else 8000)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE" and len(head) >= 36:
        # The fmt chunk comes first in practice: byte rate at offset 28.
        (byte_rate,) = struct.unpack_from("<I", head, 28)
        if 1000 <= byte_rate <= 10_000_000:
            return float(byte_rate)
    return float(COMPRESSED_BYTES_PER_SECOND)


class SessionClock:
    """Tracks audio seconds received against wall time."""

    def __init__(self, window: float = 30.0, ratio: float = 0.5) -> None:
        self.window = float(window)
        self.ratio = float(ratio)
        self.start = time.monotonic()
        self.audio_seconds = 0.0
        self.processing = 0.0

    def add(self, seconds: float) -> None:
        self.audio_seconds += seconds

    def exclude(self, seconds: float) -> None:
        """Time the service spent processing: not held against the client (§1.5)."""
        self.processing += seconds

    def check(self, now: Optional[float] = None) -> None:
        elapsed = (time.monotonic() if now is None else now) - self.start - self.processing
        if elapsed > self.window and self.audio_seconds < self.ratio * (elapsed - self.window):
            raise SessionTimeoutError("Request failed due to inactivity", 408)


async def chunks(stream: AsyncIterator[bytes], *, max_bytes: int, content_type: Optional[str] = None,
                 window: float = 30.0) -> AsyncIterator[bytes]:
    """The body's chunks, checked against the byte cap and the session clock."""
    clock = SessionClock(window)
    total = 0
    rate: Optional[float] = None
    it = stream.__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(_next_chunk(it), timeout=window)
        except asyncio.TimeoutError:
            raise SessionTimeoutError("Request failed due to inactivity", 408) from None
        if chunk is None:
            return
        if not chunk:
            continue
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLargeError(too_large_message(), 413)
        if rate is None:
            rate = bytes_per_second(content_type, chunk[:64])
        clock.add(len(chunk) / rate)
        clock.check()
        yield chunk


async def _next_chunk(it: AsyncIterator[bytes]) -> Optional[bytes]:
    """The next chunk, None at the end: the end is not an exception kept by
    ``wait_for``'s task (a cycle through the frame awaiting it, per request)."""
    try:
        return await it.__anext__()
    except StopAsyncIteration:
        return None


async def read_body(stream: AsyncIterator[bytes], *, max_bytes: int, content_type: Optional[str] = None,
                    window: float = 30.0) -> bytes:
    parts = [c async for c in chunks(stream, max_bytes=max_bytes, content_type=content_type, window=window)]
    return b"".join(parts)
