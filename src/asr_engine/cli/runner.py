"""Run one task per input on a few threads, yielding outcomes in input order.

The threads share one model (a :class:`~asr_engine.Recognizer` or
:class:`~asr_engine.ForcedAligner` is thread-safe and its native work
releases the GIL), so ``--jobs N`` costs no extra memory per job. At most
``2 * jobs`` inputs are in flight: a long batch never holds more than a few
decoded files, and records come out as soon as their turn is reached.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

from ..errors import AsrError
from ..batch.inputs import Input

#: A task turns one input into its JSON record and the seconds of audio it held.
Task = Callable[[Input], "tuple[dict, float]"]


@dataclass
class Outcome:
    """What became of one input: a record, or the error that stopped it."""

    input: Input
    record: Optional[dict]
    error: Optional[AsrError]
    seconds: float  #: audio decoded (0 when the input could not be read)


def _run_one(task: Task, item: Input) -> Outcome:
    try:
        record, seconds = task(item)
        return Outcome(item, {"file": item.name, **record}, None, seconds)
    except AsrError as exc:
        return Outcome(item, None, exc, 0.0)
    except MemoryError:
        return Outcome(item, None, AsrError("out of memory while processing this file", 413), 0.0)
    except Exception as exc:  # noqa: BLE001 - a bug must not lose the rest of a batch
        return Outcome(item, None, AsrError(f"internal error: {type(exc).__name__}: {exc}"), 0.0)


def run_ordered(task: Task, inputs: Sequence[Input], jobs: int) -> Iterator[Outcome]:
    """``task`` over ``inputs`` on ``jobs`` threads, outcomes in input order."""
    if jobs <= 1:
        for item in inputs:
            yield _run_one(task, item)
        return
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="asr-engine")
    pending: deque[Future] = deque()
    todo = iter(inputs)
    try:
        for item in todo:
            pending.append(pool.submit(_run_one, task, item))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            outcome = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_run_one, task, nxt))
            yield outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["Outcome", "Task", "run_ordered"]
