"""Where a batch's inputs are transcribed: this process, a local pool, threads.

Every executor takes inputs with :meth:`Executor.submit` and gives back
``(index, record)`` pairs with :meth:`Executor.next_done` in the order they
finish; the driver (:func:`asr_engine.batch.transcribe`) puts them back in
input order and writes them. A task never raises: a failed input is an
error record. The Dask executor lives in :mod:`.cluster`.

* :class:`InProcess` — one worker: this process, no pool to start.
* :class:`ProcessPool` — ``workers`` processes (``forkserver`` on Linux,
  else ``spawn``), each building the model once; the models' binary caches
  are memory-mapped, so their pages are shared between the processes. A
  worker that dies (a crash, the OOM killer) breaks the pool: it is started
  again and the inputs that were running are tried again, up to
  :data:`MAX_ATTEMPTS` times before they get an error record.
* :class:`ThreadPool` — ``workers`` threads sharing one model (native work
  releases the GIL): no start-up cost and one model in memory, at the price
  of the Python parts of decoding running one at a time.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Optional

from ..errors import AsrError
from .inputs import Input
from .job import RecognitionJob, error_record, transcriber_for

#: Tries of an input whose worker process died under it before it gets an error record.
MAX_ATTEMPTS = 3


class Executor:
    """Runs the job's inputs; subclasses decide where."""

    #: inputs that run at the same time
    slots: int = 1

    def submit(self, index: int, item: Input) -> None:
        raise NotImplementedError

    def next_done(self) -> tuple[int, dict]:
        """The next input to finish (blocking): its index and record."""
        raise NotImplementedError

    def close(self, abandon: bool = False) -> None:
        """Stop the workers; with ``abandon``, without waiting for the inputs
        still running (an interrupted batch)."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(abandon=kind is not None)


class InProcess(Executor):
    """One worker: inputs are transcribed in this process, one at a time."""

    def __init__(self, job: RecognitionJob) -> None:
        self.job = job
        self._queue: deque[tuple[int, Input]] = deque()

    def submit(self, index: int, item: Input) -> None:
        self._queue.append((index, item))

    def next_done(self) -> tuple[int, dict]:
        index, item = self._queue.popleft()
        return index, transcriber_for(self.job).transcribe(item)


class _FuturePool(Executor):
    """Inputs on a :mod:`concurrent.futures` pool, in flight as futures."""

    def __init__(self, job: RecognitionJob, workers: int) -> None:
        self.job = job
        self.slots = workers
        self._running: dict[Future, tuple[int, Input, int]] = {}  # future -> (index, input, attempt)
        self._done: deque[tuple[int, dict]] = deque()
        self._pool = self._start()

    def _start(self):
        raise NotImplementedError

    def _run(self, item: Input) -> Future:
        raise NotImplementedError

    def submit(self, index: int, item: Input, attempt: int = 1) -> None:
        self._running[self._run(item)] = (index, item, attempt)

    def next_done(self) -> tuple[int, dict]:
        while not self._done:
            finished, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
            broken = []
            for future in finished:
                index, item, attempt = self._running.pop(future)
                try:
                    self._done.append((index, future.result()))
                except BrokenProcessPool:
                    broken.append((index, item, attempt))
            if broken:
                self._restart(broken)
        return self._done.popleft()

    def _restart(self, broken: list[tuple[int, Input, int]]) -> None:
        """A worker died: every input in flight failed with it. Start a new
        pool and run them again (those tried too often get an error record)."""
        for future in list(self._running):  # the pool is broken: they all fail
            index, item, attempt = self._running.pop(future)
            broken.append((index, item, attempt))
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        for index, item, attempt in sorted(broken, key=lambda b: b[0]):
            if attempt >= MAX_ATTEMPTS:
                self._done.append((index, error_record(item.name, AsrError(
                    f"the worker process died {attempt} times while transcribing this input", 500))))
            else:
                self.submit(index, item, attempt + 1)

    def close(self, abandon: bool = False) -> None:
        if abandon:
            _terminate(self._pool)
        else:
            self._pool.shutdown(wait=True)


class ProcessPool(_FuturePool):
    """``workers`` local processes, each with its own model, built once."""

    def _start(self) -> ProcessPoolExecutor:
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        return ProcessPoolExecutor(max_workers=self.slots, mp_context=multiprocessing.get_context(method),
                                   initializer=_start_worker, initargs=(self.job,))

    def _run(self, item: Input) -> Future:
        return self._pool.submit(_transcribe, self.job, item)


class ThreadPool(_FuturePool):
    """``workers`` threads of this process sharing one model."""

    def _start(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="asr-batch")

    def _run(self, item: Input) -> Future:
        transcriber = transcriber_for(self.job)  # built once, before the threads share it
        return self._pool.submit(transcriber.transcribe, item)


def _start_worker(job: RecognitionJob) -> None:
    """A pool process starts: Ctrl-C is for the driver (which stops the pool),
    and the model is built now, before the first input arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    transcriber_for(job)


def _transcribe(job: RecognitionJob, item: Input) -> dict:
    return transcriber_for(job).transcribe(item)


def _terminate(pool) -> None:
    """Shut a pool down without waiting for the inputs it is working on."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes: Optional[dict] = getattr(pool, "_processes", None)  # ProcessPoolExecutor keeps them here
    for process in list((processes or {}).values()):
        if process.is_alive():
            process.terminate()


__all__ = ["MAX_ATTEMPTS", "Executor", "InProcess", "ProcessPool", "ThreadPool"]
