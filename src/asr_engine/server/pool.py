"""A bounded pool for recognitions.

Recognition is CPU-bound native work that releases the GIL, so it runs on a
thread pool sharing the loaded recognizers. ``workers`` threads (one per
core is right: more only adds switching and memory) run everything that
decodes: HTTP recognitions and the WebSocket streams' steps alike. A
stream's step (a bounded piece of live decoding, or the flush at its
``stop``) goes before the waiting whole recognitions, so streams keep up
with their audio and their finals come as their phrases end, while whole
recognitions take the rest of the CPU (at least one worker whenever they
wait: :class:`PriorityExecutor`). Among stream steps, a request's end (the
flush whose final results its client waits for) goes before the other
streams' live steps, whose interim hypotheses are late already when the
CPU is short.

A whole recognition cannot be interrupted, and a stream's steps come one
at a time (the next once the last one's answers are sent), so the workers
alone would let whole recognitions take them all between two steps: each
live step then waited seconds for one to finish, and clients sending at
real time got no interim hypothesis before their ``stop``. So one more
thread (:data:`LIVE_WORKERS`) runs only stream steps: a live step starts at
once, sharing the cores with the recognitions in progress (a step is small,
a quarter second of audio), and the thread sleeps when no stream has work.

``queue`` more HTTP recognitions may wait; beyond that a request is refused
at once with 503 and ``Retry-After``, so a burst never piles up without
bound. Streams are bounded by their own count (``max_streams``).
"""
from __future__ import annotations

import asyncio
import threading
from collections import deque
from concurrent.futures import Executor, Future
from typing import Any, Callable, Optional, TypeVar

from ..errors import AsrError
from .heap import HeapTrimmer

T = TypeVar("T")

#: Priorities: a stream request's end, then a stream's live step, then whole
#: recognitions (see PriorityExecutor).
END, STREAM, WHOLE = -1, 0, 1
#: Threads of the recognition pool beside its workers that run only stream
#: steps (see the module docstring).
LIVE_WORKERS = 1


class ServiceBusyError(AsrError):
    default_code = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, 503)
        self.retry_after = retry_after


class PriorityExecutor(Executor):
    """``workers`` threads; stream steps go first (request ends before live
    steps, each in order of arrival), but while whole recognitions wait,
    stream steps hold at most ``workers - 1`` of these threads (one with
    one worker): neither kind starves the other when both have more work
    than the CPU. ``live_workers`` more threads run only stream steps, so
    that one never waits for a whole recognition to end."""

    def __init__(self, workers: int, name: str = "asr-recognize", live_workers: int = 0) -> None:
        self.workers = max(1, int(workers))
        self.live_workers = max(0, int(live_workers))
        self._queues: dict[int, deque] = {END: deque(), STREAM: deque(), WHOLE: deque()}
        self._running_streams = 0  # stream steps on the (general) workers
        self._cv = threading.Condition()
        self._shutdown = False
        self.heap = HeapTrimmer()  # freed native heap goes back to the OS between tasks
        self._threads = [threading.Thread(target=self._loop, args=(False,), name=f"{name}_{i}", daemon=True)
                         for i in range(self.workers)]
        self._threads += [threading.Thread(target=self._loop, args=(True,), name=f"{name}_live_{i}", daemon=True)
                          for i in range(self.live_workers)]
        for t in self._threads:
            t.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> "Future[T]":
        return self.submit_at(WHOLE, fn, *args, **kwargs)

    def submit_at(self, priority: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
        future: Future = Future()
        with self._cv:
            if self._shutdown:
                raise RuntimeError("cannot schedule new work after shutdown")
            self._queues[priority if priority in (END, STREAM) else WHOLE].append((future, fn, args, kwargs))
            # Every thread: a live-only one that wakes for a whole recognition
            # cannot take it, and one notify would be lost on it.
            self._cv.notify_all()
        return future

    def _take(self, live_only: bool) -> Optional[tuple[int, tuple]]:
        ends, streams, whole = self._queues[END], self._queues[STREAM], self._queues[WHOLE]
        if live_only:
            return (END, (ends or streams).popleft()) if ends or streams else None
        if (ends or streams) and (not whole or self._running_streams < max(1, self.workers - 1)):
            self._running_streams += 1
            return STREAM, (ends or streams).popleft()
        if whole:
            return WHOLE, whole.popleft()
        return None

    def _loop(self, live_only: bool) -> None:
        while True:
            with self._cv:
                item = self._take(live_only)
                while item is None and not self._shutdown:
                    self._cv.wait()
                    item = self._take(live_only)
                if item is None:
                    return
            kind, (future, fn, args, kwargs) = item
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = fn(*args, **kwargs)
                    except BaseException as exc:  # handed to the waiting request
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
                    # Not kept until the next task (a whole recognition's JSON).
                    result = None
            finally:
                if kind == STREAM:
                    with self._cv:
                        self._running_streams -= 1
                        self._cv.notify_all()
            del item, future, fn, args, kwargs
            self.heap.task_done()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._cv:
            self._shutdown = True
            if cancel_futures:
                for q in self._queues.values():
                    for future, *_rest in q:
                        future.cancel()
                    q.clear()
            self._cv.notify_all()
        if wait:
            for t in self._threads:
                t.join()


class RecognitionPool:
    def __init__(self, workers: int, queue: int) -> None:
        self.workers = int(workers)
        self.capacity = int(workers) + int(queue)
        self._executor = PriorityExecutor(self.workers, live_workers=LIVE_WORKERS)
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
            return await asyncio.wrap_future(self._executor.submit_at(WHOLE, fn, *args, **kwargs))
        finally:
            self._release()

    async def run_queued(self, fn: Callable[..., T], *args) -> T:
        """Run ``fn`` on a worker, waiting for one however long the queue:
        for work already admitted elsewhere."""
        return await asyncio.wrap_future(self._executor.submit_at(WHOLE, fn, *args))

    async def run_stream(self, fn: Callable[..., T], *args) -> T:
        """Run a stream's live step on a worker, before the waiting whole recognitions."""
        return await asyncio.wrap_future(self._executor.submit_at(STREAM, fn, *args))

    async def run_stream_end(self, fn: Callable[..., T], *args) -> T:
        """Run the end of a stream's request (its client waits for the final
        results) on a worker, before the streams' live steps."""
        return await asyncio.wrap_future(self._executor.submit_at(END, fn, *args))

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)
