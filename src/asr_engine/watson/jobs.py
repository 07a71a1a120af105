"""Asynchronous recognition jobs (``/v1/recognitions``, §1.9) on a local
pool of worker processes.

A :class:`JobManager` keeps the jobs of every owner and a fixed number of
worker processes, each fed by one dispatcher thread through its own pipe.
A job goes ``waiting`` → ``processing`` → ``completed`` or ``failed``. A
worker that dies while it holds a job (killed, out of memory) is noticed by
its dispatcher at once (the pipe closes): the job goes back to ``waiting``
and is retried on a fresh worker, up to ``max_attempts`` times, then it is
``failed`` with the reason; no job is ever lost. A recognition error
(bad audio, ...) fails the job with the service's error text.

Finished jobs are kept ``results_ttl`` minutes (default one week) after
their last update, then forgotten; ``delete_user_data`` forgets those
labelled with the customer id. Callback URLs (:mod:`.callbacks`) get the
``recognitions.started``, ``.completed`` (or ``.completed_with_results``)
and ``.failed`` events the job asked for.

A server wraps this directly: ``create`` / ``list`` / ``get`` / ``delete``
take and return the service's JSON bodies.
"""
from __future__ import annotations

import datetime as _dt
import logging
import multiprocessing
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..errors import AsrError, ConflictError, InvalidArgumentError, NotFoundError
from .callbacks import Callbacks, Registration
from .errors import error_body

logger = logging.getLogger("asr_engine.watson")

EVENTS = ("recognitions.started", "recognitions.completed", "recognitions.completed_with_results",
          "recognitions.failed")
DEFAULT_EVENTS = ("recognitions.started", "recognitions.completed", "recognitions.failed")
#: Minutes a finished job is kept by default (one week).
DEFAULT_RESULTS_TTL = 7 * 24 * 60
#: Jobs ``check_jobs`` lists, newest first.
MAX_LISTED = 100
#: Largest audio of one job (the service's 1 GB).
MAX_JOB_AUDIO_BYTES = 1024 ** 3


def _timestamp(t: float) -> str:
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Job:
    """One recognition job and what is needed to run it again."""

    id: str
    owner: str
    created: float
    audio: Optional[bytes]
    content_type: Optional[str]
    params: dict
    status: str = "waiting"
    updated: float = 0.0
    user_token: Optional[str] = None
    callback: Optional[Registration] = None
    events: tuple[str, ...] = ()
    results_ttl: int = DEFAULT_RESULTS_TTL
    customer_id: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    results: Optional[list] = None
    attempts: int = 0


def parse_events(events: object) -> tuple[str, ...]:
    """The ``events`` parameter (comma-separated or a list), checked."""
    if isinstance(events, str):
        events = [e.strip() for e in events.split(",") if e.strip()]
    if not isinstance(events, (list, tuple)) or not events:
        raise InvalidArgumentError("events must be a comma-separated list of recognitions.* events")
    for e in events:
        if e not in EVENTS:
            raise InvalidArgumentError(f"Unknown event '{e}'; events are {', '.join(EVENTS)}.")
    if "recognitions.completed" in events and "recognitions.completed_with_results" in events:
        raise InvalidArgumentError("The events recognitions.completed and recognitions.completed_with_results "
                                   "are mutually exclusive.")
    return tuple(dict.fromkeys(events))


class JobManager:
    """Jobs of all owners on ``workers`` worker processes.

    Args:
        store_path: the customization store's directory (workers open it to
            recognize with custom models).
        workers: worker processes.
        max_attempts: runs of one job before a worker death fails it.
        clock: wall-clock seconds (tests pass a fake one for ``results_ttl``).
    """

    def __init__(self, store_path: str, *, workers: int = 2, max_attempts: int = 2,
                 clock: Callable[[], float] = time.time, base_models: Optional[list] = None) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise InvalidArgumentError("workers must be a positive integer")
        self.store_path = os.fspath(store_path)
        self.max_attempts = int(max_attempts)
        self.clock = clock
        self.callbacks = Callbacks()
        self._base_models = base_models
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pending: "queue.Queue[Optional[str]]" = queue.Queue()
        self._running: dict[str, int] = {}  # job id -> worker pid
        self._idle = threading.Condition(self._lock)
        self._closed = False
        self._slots = [_WorkerSlot(self, i) for i in range(workers)]
        for slot in self._slots:
            slot.thread.start()

    # -- the service's calls ------------------------------------------------------

    def create(self, owner: str, audio: bytes, content_type: Optional[str], params: dict, *,
               callback_url: Optional[str] = None, events: object = None, user_token: Optional[str] = None,
               results_ttl: Optional[int] = None, customer_id: Optional[str] = None,
               warnings: tuple[str, ...] = (), service_url: str = "") -> dict:
        """Queue a job; ``RecognitionJob`` with status ``waiting``."""
        if callback_url is None and (events is not None or user_token is not None):
            raise InvalidArgumentError("events and user_token require a callback_url.")
        registration = self.callbacks.registration(owner, callback_url) if callback_url is not None else None
        chosen = parse_events(events) if events is not None else (DEFAULT_EVENTS if registration else ())
        if user_token is not None and not isinstance(user_token, str):
            raise InvalidArgumentError("user_token must be a string")
        if results_ttl is not None and (isinstance(results_ttl, bool) or not isinstance(results_ttl, int)
                                        or results_ttl < 1):
            raise InvalidArgumentError(f"results_ttl must be a positive number of minutes, not {results_ttl!r}.")
        now = self.clock()
        job = Job(str(uuid.uuid4()), owner, now, audio, content_type, dict(params), updated=now,
                  user_token=user_token, callback=registration, events=chosen,
                  results_ttl=DEFAULT_RESULTS_TTL if results_ttl is None else results_ttl,
                  customer_id=customer_id, warnings=list(warnings))
        with self._lock:
            self._check_open()
            self._expire()
            self._jobs[job.id] = job
        self._pending.put(job.id)
        body: dict[str, Any] = {"id": job.id, "status": "waiting",
                                "url": f"{service_url.rstrip('/')}/v1/recognitions/{job.id}",
                                "created": _timestamp(now)}
        if job.warnings:
            body["warnings"] = list(job.warnings)
        return body

    def list(self, owner: str) -> dict:
        """``RecognitionJobs``: the owner's newest 100 jobs."""
        with self._lock:
            self._expire()
            jobs = sorted((j for j in self._jobs.values() if j.owner == owner), key=lambda j: -j.created)
            items = []
            for j in jobs[:MAX_LISTED]:
                item = {"id": j.id, "status": j.status, "created": _timestamp(j.created),
                        "updated": _timestamp(j.updated)}
                if j.user_token is not None:
                    item["user_token"] = j.user_token
                items.append(item)
        return {"recognitions": items}

    def get(self, owner: str, job_id: str, service_url: str = "") -> dict:
        """``RecognitionJob``, with ``results`` once completed."""
        with self._lock:
            self._expire()
            job = self._job(owner, job_id)
            body: dict[str, Any] = {"id": job.id, "status": job.status, "created": _timestamp(job.created),
                                    "updated": _timestamp(job.updated),
                                    "url": f"{service_url.rstrip('/')}/v1/recognitions/{job.id}"}
            if job.user_token is not None:
                body["user_token"] = job.user_token
            if job.status == "completed" and job.results is not None:
                body["results"] = job.results
            if job.warnings:
                body["warnings"] = list(job.warnings)
        return body

    def delete(self, owner: str, job_id: str) -> None:
        """Forget a job and its results; 409 while it is being processed."""
        with self._lock:
            job = self._job(owner, job_id)
            if job.status == "processing":
                raise ConflictError("You cannot delete a job that the service is actively processing.")
            del self._jobs[job.id]

    def purge(self, owner: str, customer_id: str) -> None:
        """Forget the owner's jobs and callbacks labelled ``customer_id``."""
        with self._lock:
            for job_id in [i for i, j in self._jobs.items()
                           if j.owner == owner and j.customer_id == customer_id and j.status != "processing"]:
                del self._jobs[job_id]
            for job in self._jobs.values():
                if job.owner == owner and job.customer_id == customer_id:
                    job.results_ttl = 0  # forgotten as soon as it finishes
        self.callbacks.purge(owner, customer_id)

    # -- for servers, monitoring and tests ---------------------------------------

    def running(self) -> dict[str, int]:
        """``{job id: worker pid}`` of the jobs being processed now."""
        with self._lock:
            return dict(self._running)

    def wait_idle(self, timeout: Optional[float] = None) -> bool:
        """Wait until no job is waiting or processing."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while any(j.status in ("waiting", "processing") for j in self._jobs.values()):
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left if left is not None else 1.0)
        return True

    def close(self) -> None:
        """Stop the workers (waiting jobs stay waiting) and the callback sender."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for _ in self._slots:
            self._pending.put(None)
        for slot in self._slots:
            slot.thread.join(timeout=10)
            slot.stop()
        self.callbacks.flush(5.0)
        self.callbacks.close()

    # -- inside ---------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise AsrError("The job manager is closed.", 503)

    def _job(self, owner: str, job_id: object) -> Job:
        job = self._jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None or job.owner != owner:
            raise NotFoundError("The specified job ID was not found.")
        return job

    def _expire(self) -> None:
        now = self.clock()
        for job_id in [i for i, j in self._jobs.items()
                       if j.status in ("completed", "failed") and now >= j.updated + 60 * j.results_ttl]:
            del self._jobs[job_id]

    def _take(self, job_id: str, pid: int) -> Optional[Job]:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status != "waiting":
                return None
            job.status, job.updated = "processing", self.clock()
            job.attempts += 1
            self._running[job_id] = pid
        self._event(job, "recognitions.started")
        return job

    def _finish(self, job: Job, outcome: str, payload: Any) -> None:
        with self._lock:
            self._running.pop(job.id, None)
            if outcome == "completed":
                job.status, job.results = "completed", [payload]
                job.audio = None
            elif outcome == "retry" and job.attempts < self.max_attempts:
                job.status = "waiting"
            else:
                job.status = "failed"
                job.audio = None
                job.warnings.append(payload)
            job.updated = self.clock()
            self._idle.notify_all()
        if job.status == "waiting":
            self._pending.put(job.id)
        elif job.status == "completed":
            if "recognitions.completed_with_results" in job.events:
                self._event(job, "recognitions.completed_with_results", results=job.results)
            else:
                self._event(job, "recognitions.completed")
        else:
            self._event(job, "recognitions.failed")

    def _event(self, job: Job, event: str, **extra: Any) -> None:
        if job.callback is None or event not in job.events:
            return
        body: dict[str, Any] = {"id": job.id, "event": event}
        if job.user_token is not None:
            body["user_token"] = job.user_token
        body.update(extra)
        self.callbacks.notify(job.callback, body)


class _WorkerSlot:
    """One worker process and the thread that feeds it jobs, one at a time."""

    def __init__(self, manager: JobManager, index: int) -> None:
        self.manager = manager
        self.process: Any = None
        self.conn: Any = None
        self.thread = threading.Thread(target=self._loop, name=f"asr-jobs-{index}", daemon=True)

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, self.manager.store_path,
                                                                 self.manager._base_models), daemon=True)
        self.process.start()
        child.close()
        self.conn = parent

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(timeout=5)
            if self.process.is_alive():
                self.process.kill()

    def _loop(self) -> None:
        while True:
            job_id = self.manager._pending.get()
            if job_id is None:
                return
            try:
                if self.process is None or not self.process.is_alive():
                    self._spawn()
            except Exception as exc:  # no worker: the job fails rather than waiting forever
                job = self.manager._take(job_id, 0)
                if job is not None:
                    job.attempts = self.manager.max_attempts
                    self.manager._finish(job, "failed", f"The recognition job failed: no worker process could "
                                                        f"be started ({type(exc).__name__}: {exc}).")
                continue
            job = self.manager._take(job_id, self.process.pid)
            if job is None:
                continue
            try:
                self.conn.send((job.owner, job.audio, job.content_type, job.params))
                outcome, payload = self._receive()
            except (EOFError, OSError):
                self.process.join(timeout=1)
                logger.warning("recognition worker %s ended during job %s; %s", self.process.pid, job.id,
                               "retrying" if job.attempts < self.manager.max_attempts else "failing it")
                outcome, payload = "retry", ("The recognition job failed: its worker process ended unexpectedly "
                                             f"(attempt {job.attempts} of {self.manager.max_attempts}).")
                self.process = None
            self.manager._finish(job, outcome, payload)

    def _receive(self) -> tuple[str, Any]:
        while not self.conn.poll(0.2):
            if not self.process.is_alive():
                raise EOFError
        return self.conn.recv()


def worker_main(conn: Any, store_path: str, base_models: Optional[list]) -> None:
    """A worker process: recognize each job sent on ``conn`` and answer
    ``("completed", body)`` or ``("failed", error text)``."""
    from ..customization import Store
    from ..customization.base_models import BaseModel
    from .speech_to_text import SpeechToText

    store = Store(store_path)
    models = None if base_models is None else {m[0]: BaseModel(*m) for m in base_models}
    clients: dict[str, SpeechToText] = {}
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            owner, audio, content_type, params = message
            try:
                client = clients.get(owner)
                if client is None:
                    client = clients[owner] = SpeechToText(store, owner, base_models=models)
                conn.send(("completed", client.recognize(audio, content_type, **params)))
            except Exception as exc:  # every failure is the job's, reported with the service's text
                conn.send(("failed", error_body(exc)["error"]))
    finally:
        store.close()


__all__ = ["JobManager", "Job", "parse_events", "EVENTS", "DEFAULT_EVENTS", "DEFAULT_RESULTS_TTL", "worker_main"]
