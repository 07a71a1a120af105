"""The recognition pool's order of work (asr_engine.server.pool).

No server and no timing: a worker is held on an event while work of every
kind is queued, then released; the order in which the queued work runs is
the executor's choice alone.
"""
from __future__ import annotations

import threading

import pytest

pytest.importorskip("starlette")

from asr_engine.server.pool import END, STREAM, WHOLE, PriorityExecutor  # noqa: E402


def _run_order(workers: int, queued: list[tuple[int, str]]) -> list[str]:
    executor = PriorityExecutor(workers)
    gate = threading.Event()
    started = threading.Semaphore(0)
    order: list[str] = []
    lock = threading.Lock()

    def hold():
        started.release()
        gate.wait()

    def record(name):
        with lock:
            order.append(name)

    try:
        holders = [executor.submit_at(WHOLE, hold) for _ in range(workers)]
        for _ in range(workers):
            started.acquire()  # every worker is busy: what follows only queues
        futures = [executor.submit_at(priority, record, name) for priority, name in queued]
        gate.set()
        for f in holders + futures:
            f.result(timeout=60)
    finally:
        executor.shutdown(wait=True)
    return order


def test_request_ends_go_before_live_steps_before_whole_recognitions():
    order = _run_order(1, [(WHOLE, "whole 1"), (STREAM, "live 1"), (END, "end 1"), (STREAM, "live 2"),
                           (END, "end 2"), (WHOLE, "whole 2")])
    assert order == ["end 1", "end 2", "live 1", "live 2", "whole 1", "whole 2"]


def test_whole_recognitions_keep_a_worker_while_streams_wait():
    # Two workers: a stream step holds one; though more stream steps came
    # first, the other worker takes the waiting whole recognition.
    executor = PriorityExecutor(2)
    gate, hold = threading.Event(), threading.Event()
    order: list[str] = []

    try:
        busy = [executor.submit_at(WHOLE, gate.wait) for _ in range(2)]
        first = executor.submit_at(STREAM, hold.wait)
        lives = [executor.submit_at(STREAM, order.append, f"live {i}") for i in range(4)]
        whole = executor.submit_at(WHOLE, order.append, "whole")
        gate.set()  # both workers free: one takes the stream step that holds it
        whole.result(timeout=60)
        assert order[0] == "whole"
        hold.set()
        for f in [*busy, first, *lives]:
            f.result(timeout=60)
    finally:
        gate.set()
        hold.set()
        executor.shutdown(wait=True)


def test_a_live_thread_runs_stream_steps_while_whole_recognitions_hold_every_worker():
    # One worker held by a whole recognition: the live-only thread runs the
    # stream steps (ends first) at once, and never a whole recognition.
    executor = PriorityExecutor(1, live_workers=1)
    gate = threading.Event()
    order: list[str] = []
    try:
        busy = executor.submit_at(WHOLE, gate.wait)
        whole = executor.submit_at(WHOLE, order.append, "whole")
        live = executor.submit_at(STREAM, order.append, "live")
        end = executor.submit_at(END, order.append, "end")
        live.result(timeout=60)
        end.result(timeout=60)
        assert not busy.done() and not whole.done()
        assert set(order) == {"live", "end"}
        gate.set()
        whole.result(timeout=60)
        assert order[-1] == "whole"
    finally:
        gate.set()
        executor.shutdown(wait=True)


def test_the_heap_is_trimmed_at_most_once_an_interval():
    from asr_engine.server.heap import HeapTrimmer

    now, calls = [0.0], []
    trimmer = HeapTrimmer(interval=10.0, trim=lambda: calls.append(now[0]), clock=lambda: now[0])
    for t in (0.5, 3.0, 9.9, 10.0, 12.0, 19.9, 20.5, 45.0):
        now[0] = t
        trimmer.task_done()
    assert calls == [10.0, 20.5, 45.0] and trimmer.trims == 3


def test_workers_trim_the_real_heap_after_tasks():
    """glibc's malloc_trim is found and called by the pool's workers once the
    interval has passed (a task that frees a large native buffer)."""
    import numpy as np

    from asr_engine.server.heap import _glibc_trim

    if _glibc_trim() is None:
        pytest.skip("not glibc")
    pool = PriorityExecutor(1)
    try:
        pool.heap.interval = 0.0
        pool.submit(lambda: float(np.ones(4_000_000).sum())).result(timeout=30)
        pool.submit(lambda: None).result(timeout=30)
        deadline = threading.Event()
        for _ in range(100):
            if pool.heap.trims >= 1:
                break
            deadline.wait(0.05)
        assert pool.heap.trims >= 1
    finally:
        pool.shutdown()
