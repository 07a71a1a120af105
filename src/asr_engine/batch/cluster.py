"""A batch on a Dask cluster (``distributed``): when one machine is not enough.

The driver submits one task per input; the model is built once per worker
process, when a :class:`TranscriberPlugin` is attached to it (at
registration, and on every worker that joins or is restarted later), never
per task. A worker that dies is the scheduler's business: it runs that
worker's tasks again elsewhere; an input whose workers keep dying (Dask's
``allowed-failures``, 3 by default) gets an error record. Only the driver
writes records, and it writes each input once, so a task that ran twice
cannot duplicate one.

Workers must see the inputs and the model files at the same paths as the
driver (a shared filesystem), and a custom model's store at the same path or
database URL.

Dask's defaults suit short numeric tasks, not minutes of native decoding on
every core: each worker and the scheduler wake 50 times a second to time
their event loop (``admin.tick.interval`` 20 ms), each worker samples its
threads' stacks 100 times a second for the dashboard's profile, and the
nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns
every large allocation of the decoder into an ``mmap``/``munmap`` pair and
page faults (1.8 times as many in a decode of dev utterances). The
:data:`QUIET_CONFIG` settings remove that: :func:`local_cluster` uses them;
give them to the workers of a cluster you start yourself (as ``dask.config``
or ``DASK_DISTRIBUTED__...`` environment variables).
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Optional

from ..errors import AsrError, InvalidArgumentError
from .executors import Executor
from .inputs import Input
from .job import RecognitionJob, error_record, transcriber_for

try:
    from distributed import WorkerPlugin
except ImportError:  # the optional `cluster` extra is not installed
    WorkerPlugin = object  # type: ignore[assignment,misc]

#: How often the driver asks the scheduler how many worker threads there are.
SLOTS_REFRESH_SECONDS = 30.0

#: Dask settings for workers that decode on every core (see the module's
#: docstring). An idle LocalCluster of 2 workers used 2.1 s of CPU in 20 s
#: with Dask's defaults and 0.3 s with these (benchmarks/bench_batch.py
#: ``--idle``); a busy one leaves that CPU to the decoders.
QUIET_CONFIG: dict[str, Any] = {
    "distributed.admin.tick.interval": "1s",  # event-loop health check (it warns after 3 s blocked)
    "distributed.worker.profile.enabled": False,  # the dashboard's statistical profiler
    "distributed.admin.system-monitor.interval": "2s",  # CPU/memory/network samples for the dashboard
    "distributed.worker.memory.monitor-interval": "1s",  # the nanny's memory-limit check
    # Dask's own list without MALLOC_TRIM_THRESHOLD_ (the decoder's memory
    # is steady: trimming buys nothing and costs page faults)
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                            "OPENBLAS_NUM_THREADS": 1},
}


def local_cluster(workers: int = 1, **kwargs: Any) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded worker
    processes with :data:`QUIET_CONFIG` (``kwargs`` go to LocalCluster)."""
    import dask
    from distributed import LocalCluster

    options: dict[str, Any] = dict(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
    options.update(kwargs)
    # The scheduler, nannies and workers read these as they are built (a
    # restarted worker gets its nanny's copy), so the context may end here.
    with dask.config.set(QUIET_CONFIG):
        return LocalCluster(**options)


class TranscriberPlugin(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Builds the job's model on each Dask worker as it starts."""

    idempotent = True  # registering the same job twice keeps the loaded model

    def __init__(self, job: RecognitionJob) -> None:
        self.job = job

    async def setup(self, worker: Any) -> None:
        # Off the worker's event loop: loading takes seconds, heartbeats must go on.
        await asyncio.get_running_loop().run_in_executor(None, transcriber_for, self.job)


def _transcribe(job: RecognitionJob, item: Input) -> dict:
    return transcriber_for(job).transcribe(item)


def _key_name(index: Any) -> str:
    """A task's Dask key suffix: ``7`` for an input, ``7.2`` for its third chunk."""
    return ".".join(str(k) for k in index) if isinstance(index, tuple) else str(index)


class DaskCluster(Executor):
    """Inputs as tasks on a Dask cluster.

    Args:
        job: what to run.
        scheduler: a scheduler address (``tcp://host:8786``), a
            ``distributed.Client``, or None for a ``LocalCluster`` of
            ``workers`` single-threaded processes (tests, one machine).
        workers: the ``LocalCluster``'s size (ignored with a scheduler).
    """

    def __init__(self, job: RecognitionJob, scheduler: Any = None, workers: Optional[int] = None) -> None:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise InvalidArgumentError("executor='dask' needs Dask's distributed: "
                                       "pip install 'asr_engine[cluster]'") from None
        self.job = job
        self._cluster = None
        self._own_client = not isinstance(scheduler, Client)
        if scheduler is None:
            self._cluster = local_cluster(workers or 1)
            self._client = Client(self._cluster)
        elif isinstance(scheduler, Client):
            self._client = scheduler
        elif isinstance(scheduler, str):
            try:
                self._client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise AsrError(f"cannot reach the Dask scheduler at {scheduler}: {exc}", 503) from None
        else:
            raise InvalidArgumentError("scheduler must be an address, a distributed.Client or None")
        self._client.register_plugin(TranscriberPlugin(job), name=f"asr-engine-{job.key}")
        self._run = uuid.uuid4().hex[:12]
        self._futures: dict[Any, tuple[int, Input]] = {}
        self._done = as_completed()
        self._slots_at = 0.0
        self._slots = 1

    @property
    def slots(self) -> int:  # type: ignore[override]
        now = time.monotonic()
        if now - self._slots_at > SLOTS_REFRESH_SECONDS:
            self._slots = max(1, sum(self._client.nthreads().values()))
            self._slots_at = now
        return self._slots

    def submit(self, index: int, item: Input) -> None:
        future = self._client.submit(_transcribe, self.job, item, key=f"asr-engine-{self._run}-{_key_name(index)}", pure=False)
        self._futures[future] = (index, item)
        self._done.add(future)

    def next_done(self) -> tuple[int, dict]:
        future = next(self._done)
        index, item = self._futures.pop(future)
        try:
            record = future.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, or the cluster lost the task: the input's error
            record = error_record(item.name, AsrError(f"the Dask cluster could not run this input: "
                                                      f"{type(exc).__name__}: {exc}", 500))
        future.release()
        return index, record

    def close(self, abandon: bool = False) -> None:
        if abandon and self._futures:
            self._client.cancel(list(self._futures))
        if self._own_client:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


__all__ = ["DaskCluster", "QUIET_CONFIG", "TranscriberPlugin", "local_cluster"]
