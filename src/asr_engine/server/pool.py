"""A bounded pool for recognitions.

Recognition is CPU-bound native work that releases the GIL, so it runs on a
thread pool sharing the loaded recognizers. ``workers`` run at once and
``queue`` more may wait; beyond that a request is refused at once with 503
and ``Retry-After``, so a burst never piles up without bound.
"""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from ..errors import AsrError

T = TypeVar("T")


class ServiceBusyError(AsrError):
    default_code = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, 503)
        self.retry_after = retry_after


class RecognitionPool:
    def __init__(self, workers: int, queue: int) -> None:
        self.workers = int(workers)
        self.capacity = int(workers) + int(queue)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="asr-recognize")
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Requests running or waiting."""
        return self._admitted

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise ServiceBusyError("The service is busy: too many recognitions are in progress. "
                                       "Retry later.", retry_after=max(1, self.capacity // max(1, self.workers)))
            self._admitted += 1

    def _release(self) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """Run ``fn`` on a worker; 503 at once when the pool is full."""
        self._admit()
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))
        finally:
            self._release()

    async def run_queued(self, fn: Callable[..., T], *args) -> T:
        """Run ``fn`` on a worker, waiting for one however long the queue:
        for work already admitted elsewhere (a WebSocket stream's final
        recognition: its stream was admitted when it opened)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)
