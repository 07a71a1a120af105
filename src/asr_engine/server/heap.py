"""Giving the native heap that decoders freed back to the operating system.

glibc keeps memory freed by a recognition (audio, features, lattices, JSON)
in its heap for reuse. Under a server's mix of request sizes that heap
fragments, and RSS creeps although the live objects do not grow: over a
15-minute load run RSS rose 2 MB a minute while Python's allocations
(tracemalloc, numpy included) stayed flat, and ``malloc_trim(0)`` gave back
40-45 MB. :class:`HeapTrimmer` calls ``malloc_trim(0)`` after a task, at
most once an interval, so the cost (a walk over the free lists, about a
millisecond) stays far below the recognitions'. Elsewhere than glibc it
does nothing.
"""
from __future__ import annotations

import threading
import time
from typing import Callable, Optional

#: seconds between two trims at most once a task ends
TRIM_INTERVAL_SECONDS = 10.0


def _glibc_trim() -> Optional[Callable[[], object]]:
    """glibc's ``malloc_trim(0)``, or None where there is no glibc."""
    try:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class HeapTrimmer:
    """Trims the heap when a task ends, at most once per ``interval`` seconds
    (``trim`` and ``clock`` are glibc's and ``time.monotonic`` unless given)."""

    def __init__(self, interval: float = TRIM_INTERVAL_SECONDS, trim: Optional[Callable[[], object]] = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = float(interval)
        self._trim = trim if trim is not None else _glibc_trim()
        self._clock = clock
        self._lock = threading.Lock()
        self._last = clock()
        self.trims = 0  # how many times the heap was trimmed

    def task_done(self) -> None:
        """Called by a worker after each task: trims if the interval has passed
        (one thread trims; the others go on at once)."""
        if self._trim is None or not self._lock.acquire(blocking=False):
            return
        try:
            now = self._clock()
            if now - self._last < self.interval:
                return
            self._last = now
            self.trims += 1
        finally:
            self._lock.release()
        self._trim()
