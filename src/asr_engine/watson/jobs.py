"""Asynchronous recognition jobs (``/v1/recognitions``, §1.9) on a local
pool of worker processes, kept in the customization store's database.

A :class:`JobManager` records every job in the store's ``recognition_jobs``
table (:mod:`.job_table`) and runs them on a fixed number of worker
processes, each fed by one dispatcher thread through its own pipe. A job
goes ``waiting`` → ``processing`` → ``completed`` or ``failed``. Because the
jobs live in the database, they survive a restart of the process, and
several managers (server replicas on one PostgreSQL store) see each other's
jobs and run each exactly once: a dispatcher claims a job by
compare-and-set and holds it with a lease that the manager renews.

Nothing is lost when something dies:

* a worker process that dies during a job (killed, out of memory) is noticed
  by its dispatcher at once (the pipe closes): the job goes back to
  ``waiting`` and is retried on a fresh worker, up to ``max_attempts`` runs,
  then it is ``failed`` with the reason;
* a manager that dies (its whole process killed) leaves its jobs
  ``processing`` under a lease nobody renews: any other manager takes them
  over as soon as it sees the holder is a dead process of this host, or the
  lease expired (another host), and reruns them or fails them the same way;
* a manager that is closed puts the job it could not finish back to
  ``waiting`` without counting the attempt.

A recognition error (bad audio, ...) fails the job with the service's error text.

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
import threading
import time
import uuid
from typing import Any, Callable, Optional, Union

from ..errors import AsrError, ConflictError, InvalidArgumentError, NotFoundError
from . import job_table
from .callbacks import Callbacks, Registration
from .errors import error_body
from .job_table import Claimed, JobTable

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
    """Jobs of all owners, kept in a store and run on ``workers`` worker processes.

    Args:
        store: the customization :class:`~asr_engine.customization.Store`
            whose database keeps the jobs (workers open it too, to recognize
            with custom models), or its directory (then the manager opens
            and closes its own).
        workers: worker processes; 0 makes a manager that records and answers
            but leaves the running to the other managers of the store.
        max_attempts: runs of one job before a worker's or a manager's death fails it.
        clock: wall-clock seconds of the jobs' times (tests pass a fake one for ``results_ttl``).
        lease_seconds: how long a claimed job stays ours without renewal
            (what another host waits before taking over the jobs of a manager that vanished).
        poll_seconds: how often idle dispatchers look for jobs other managers recorded.
    """

    def __init__(self, store: Union[Any, str, os.PathLike], *, workers: int = 2, max_attempts: int = 2,
                 clock: Callable[[], float] = time.time, base_models: Optional[list] = None,
                 lease_seconds: float = 60.0, poll_seconds: float = 0.5) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise InvalidArgumentError("workers must be a non-negative integer")
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise InvalidArgumentError("max_attempts must be a positive integer")
        if not lease_seconds > 0 or not poll_seconds > 0:
            raise InvalidArgumentError("lease_seconds and poll_seconds must be positive")
        if isinstance(store, (str, os.PathLike)):
            from ..customization import Store

            store, self._own_store = Store(store), True
        else:
            self._own_store = False
        self.store = store
        self.store_path = str(store.path)
        self.max_attempts = max_attempts
        self.clock = clock
        self.lease_seconds = float(lease_seconds)
        self.poll_seconds = float(poll_seconds)
        self.table = JobTable(store)
        self.callbacks = Callbacks(store)
        self.holder = f"{job_table.this_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        job_table.LIVE_HOLDERS.add(self.holder)
        self._base_models = base_models
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._running: dict[str, int] = {}  # job id -> worker pid
        self._held: set[str] = set()
        self._closed = False
        self._stopping = threading.Event()  # ends the lease heartbeat
        self._last_recovery = 0.0
        self._slots = [_WorkerSlot(self, i) for i in range(workers)]
        self._heartbeat = threading.Thread(target=self._beat, name="asr-jobs-lease", daemon=True)
        self._heartbeat.start()
        if self._slots:
            self._recover()
        for slot in self._slots:
            slot.thread.start()

    # -- the service's calls ------------------------------------------------------

    def create(self, owner: str, audio: bytes, content_type: Optional[str], params: dict, *,
               callback_url: Optional[str] = None, events: object = None, user_token: Optional[str] = None,
               results_ttl: Optional[int] = None, customer_id: Optional[str] = None,
               warnings: tuple[str, ...] = (), service_url: str = "") -> dict:
        """Record a job; ``RecognitionJob`` with status ``waiting``."""
        if callback_url is None and (events is not None or user_token is not None):
            raise InvalidArgumentError("events and user_token require a callback_url.")
        registration = self.callbacks.registration(owner, callback_url) if callback_url is not None else None
        chosen = parse_events(events) if events is not None else (DEFAULT_EVENTS if registration else ())
        if user_token is not None and not isinstance(user_token, str):
            raise InvalidArgumentError("user_token must be a string")
        if results_ttl is not None and (isinstance(results_ttl, bool) or not isinstance(results_ttl, int)
                                        or results_ttl < 1):
            raise InvalidArgumentError(f"results_ttl must be a positive number of minutes, not {results_ttl!r}.")
        self._check_open()
        now = self.clock()
        self.table.expire(now)
        job_id = str(uuid.uuid4())
        self.table.insert(dict(
            id=job_id, owner=owner, content_type=content_type, params=dict(params), user_token=user_token,
            callback_url=registration.url if registration else None,
            callback_secret=registration.secret if registration else None, events=list(chosen),
            results_ttl=DEFAULT_RESULTS_TTL if results_ttl is None else results_ttl, customer_id=customer_id,
            warnings=list(warnings), created=now, updated=now), bytes(audio))
        with self._wake:
            self._wake.notify()
        body: dict[str, Any] = {"id": job_id, "status": "waiting",
                                "url": f"{service_url.rstrip('/')}/v1/recognitions/{job_id}",
                                "created": _timestamp(now)}
        if warnings:
            body["warnings"] = list(warnings)
        return body

    def list(self, owner: str) -> dict:
        """``RecognitionJobs``: the owner's newest 100 jobs."""
        self.table.expire(self.clock())
        items = []
        for row in self.table.newest(owner, MAX_LISTED):
            item = {"id": row.id, "status": row.status, "created": _timestamp(row.created),
                    "updated": _timestamp(row.updated)}
            if row.user_token is not None:
                item["user_token"] = row.user_token
            items.append(item)
        return {"recognitions": items}

    def get(self, owner: str, job_id: str, service_url: str = "") -> dict:
        """``RecognitionJob``, with ``results`` once completed."""
        self.table.expire(self.clock())
        row = self._row(owner, job_id)
        body: dict[str, Any] = {"id": row.id, "status": row.status, "created": _timestamp(row.created),
                                "updated": _timestamp(row.updated),
                                "url": f"{service_url.rstrip('/')}/v1/recognitions/{row.id}"}
        if row.user_token is not None:
            body["user_token"] = row.user_token
        if row.status == "completed" and row.results is not None:
            body["results"] = row.results
        if row.warnings:
            body["warnings"] = list(row.warnings)
        return body

    def delete(self, owner: str, job_id: str) -> None:
        """Forget a job and its results; 409 while it is being processed."""
        outcome = self.table.delete(job_id, owner) if isinstance(job_id, str) else "missing"
        if outcome == "processing":
            raise ConflictError("You cannot delete a job that the service is actively processing.")
        if outcome == "missing":
            raise NotFoundError("The specified job ID was not found.")

    def purge(self, owner: str, customer_id: str) -> None:
        """Forget the owner's jobs and callbacks labelled ``customer_id``."""
        with self.store.transaction() as tx:
            job_table.purge(tx, owner, customer_id)

    # -- for servers, monitoring and tests ---------------------------------------

    def running(self) -> dict[str, int]:
        """``{job id: worker pid}`` of the jobs this manager is processing now."""
        with self._lock:
            return dict(self._running)

    def wait_idle(self, timeout: Optional[float] = None) -> bool:
        """Wait until no job of the store is waiting or processing."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.table.unfinished():
            if end is not None and time.monotonic() >= end:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        """Stop the workers; waiting jobs stay waiting for the next manager,
        and a job this one could not finish goes back to waiting."""
        with self._wake:
            if self._closed:
                return
            self._closed = True
            self._wake.notify_all()
        for slot in self._slots:
            slot.thread.join(timeout=10)
        for slot in self._slots:
            slot.stop()
        for slot in self._slots:
            slot.thread.join(timeout=5)
        with self._lock:
            held = list(self._held)
        for job_id in held:
            self.table.finish(job_id, self.holder, "waiting", self.clock(), refund=True)
        job_table.LIVE_HOLDERS.discard(self.holder)
        self._stopping.set()
        self._heartbeat.join(timeout=5)
        self.callbacks.flush(5.0)
        self.callbacks.close()
        if self._own_store:
            self.store.close()

    # -- inside ---------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise AsrError("The job manager is closed.", 503)

    def _row(self, owner: str, job_id: object):
        row = self.table.row(job_id) if isinstance(job_id, str) else None
        if row is None or row.owner != owner:
            raise NotFoundError("The specified job ID was not found.")
        return row

    def _next(self) -> Optional[Claimed]:
        """The next job for a dispatcher (waiting for one); None once closed."""
        while True:
            with self._lock:
                if self._closed:
                    return None
            if time.monotonic() - self._last_recovery >= self.poll_seconds:
                self._recover()
            try:
                job = self.table.claim(self.holder, self.lease_seconds, self.clock())
            except Exception:  # the database is away: try again at the next poll
                logger.exception("claiming a recognition job failed")
                job = None
            if job is not None:
                with self._lock:
                    if self._closed:  # claimed as we closed: give it back untouched
                        self.table.finish(job.id, self.holder, "waiting", self.clock(), refund=True)
                        return None
                    self._held.add(job.id)
                self._event_row(job.id, "recognitions.started")
                return job
            with self._wake:
                if not self._closed:
                    self._wake.wait(self.poll_seconds)

    def _recover(self) -> None:
        """Take over the jobs of managers that died."""
        self._last_recovery = time.monotonic()
        try:
            for row in self.table.abandoned_jobs(time.time()):
                done = self.table.take_over(row, self.clock(), self.max_attempts,
                                            "The recognition job failed: the process running it stopped "
                                            f"(after {self.max_attempts} attempts).")
                if done is None:
                    continue
                logger.warning("recognition job %s abandoned by %s: %s", row.id, row.lease_holder,
                               "queued again" if done.status == "waiting" else "failed")
                if done.status == "failed":
                    self._event(done, "recognitions.failed")
        except Exception:  # pragma: no cover - the next poll tries again
            logger.exception("recovering abandoned recognition jobs failed")

    def _beat(self) -> None:
        period = max(0.05, self.lease_seconds / 4.0)
        while not self._stopping.wait(period):
            with self._lock:
                held = list(self._held)
            if held:
                try:
                    self.table.renew(self.holder, held, self.lease_seconds)
                except Exception:  # pragma: no cover - the next beat tries again
                    logger.exception("renewing the leases of recognition jobs failed")

    def _started(self, job_id: str, pid: int) -> None:
        with self._lock:
            self._running[job_id] = pid

    def _finish(self, job: Claimed, outcome: str, payload: Any) -> None:
        with self._lock:
            self._running.pop(job.id, None)
            closing = self._closed
        now = self.clock()
        if outcome == "completed":
            row = self.table.finish(job.id, self.holder, "completed", now, results=[payload])
        elif outcome == "retry" and closing:  # our shutdown, not the job's fault
            row = self.table.finish(job.id, self.holder, "waiting", now, refund=True)
        elif outcome == "retry" and job.attempts < self.max_attempts:
            row = self.table.finish(job.id, self.holder, "waiting", now)
        else:
            row = self.table.finish(job.id, self.holder, "failed", now, warning=payload)
        with self._lock:
            self._held.discard(job.id)
        if row is None:
            logger.warning("recognition job %s was taken over by another manager; its outcome is dropped", job.id)
        elif row.status == "waiting":
            with self._wake:
                self._wake.notify()
        elif row.status == "completed":
            if "recognitions.completed_with_results" in row.events:
                self._event(row, "recognitions.completed_with_results", results=row.results)
            else:
                self._event(row, "recognitions.completed")
        else:
            self._event(row, "recognitions.failed")

    def _event_row(self, job_id: str, event: str) -> None:
        row = self.table.row(job_id)
        if row is not None:
            self._event(row, event)

    def _event(self, row: Any, event: str, **extra: Any) -> None:
        if row.callback_url is None or event not in row.events:
            return
        body: dict[str, Any] = {"id": row.id, "event": event}
        if row.user_token is not None:
            body["user_token"] = row.user_token
        body.update(extra)
        self.callbacks.notify(Registration(row.callback_url, row.callback_secret, row.customer_id, row.owner), body)


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
        store = self.manager.store
        self.process = context.Process(target=worker_main, args=(child, self.manager.store_path,
                                                                 self.manager._base_models, store.database_url),
                                       daemon=True)
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
        manager = self.manager
        while True:
            job = manager._next()
            if job is None:
                return
            try:
                if self.process is None or not self.process.is_alive():
                    self._spawn()
            except Exception as exc:  # no worker: the job fails rather than waiting forever
                job.attempts = manager.max_attempts
                manager._finish(job, "failed", f"The recognition job failed: no worker process could "
                                               f"be started ({type(exc).__name__}: {exc}).")
                continue
            manager._started(job.id, self.process.pid)
            try:
                self.conn.send((job.owner, job.audio, job.content_type, job.params))
                outcome, payload = self._receive()
            except (EOFError, OSError):
                self.process.join(timeout=1)
                logger.warning("recognition worker %s ended during job %s; %s", self.process.pid, job.id,
                               "retrying" if job.attempts < manager.max_attempts else "failing it")
                outcome, payload = "retry", ("The recognition job failed: its worker process ended unexpectedly "
                                             f"(attempt {job.attempts} of {manager.max_attempts}).")
                self.process = None
            manager._finish(job, outcome, payload)

    def _receive(self) -> tuple[str, Any]:
        while not self.conn.poll(0.2):
            if not self.process.is_alive():
                raise EOFError
        return self.conn.recv()


def worker_main(conn: Any, store_path: str, base_models: Optional[list],
                database_url: Optional[str] = None) -> None:
    """A worker process: recognize each job sent on ``conn`` and answer
    ``("completed", body)`` or ``("failed", error text)``."""
    from ..customization import Store
    from ..customization.base_models import BaseModel
    from .speech_to_text import SpeechToText

    store = Store(store_path, database_url=database_url)
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


__all__ = ["JobManager", "parse_events", "EVENTS", "DEFAULT_EVENTS", "DEFAULT_RESULTS_TTL", "worker_main"]
