"""The customization store: metadata in a database, files in a directory.

A :class:`Store` holds custom models for every owner. Metadata goes through
SQLAlchemy Core (SQLite in WAL mode by default, any database URL otherwise;
only :func:`_create_engines` knows about SQLite). Files go through a
:class:`~asr_engine.customization.blobs.BlobDirectory` beside the database:
a blob is durable before the transaction that records it commits, and it is
unlinked only after the transaction that forgets it commits, so a crash at
any point leaves at worst an unreferenced file, which the sweep on open
removes.

Concurrency: several threads and processes may share one store. A model is
changed only by compare-and-set on its ``job`` column (:meth:`Store.claim`),
so two operations never run on one model: the loser gets 409. Background work
runs on the store's worker threads and holds a lease on the model that a
heartbeat renews; a lease whose holder died (a dead process on this host) or
that expired is recovered the next time the store is opened or the model is
read (:meth:`Store.recover`), by the recovery function registered for that
kind of job, which leaves the model usable with an error saying what happened.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Union

from sqlalchemy import create_engine, delete, event, insert, select, update
from sqlalchemy.engine import Connection, Engine

from ..errors import AsrError, ConflictError, InvalidArgumentError, NotFoundError
from . import schema
from .lm_limits import MAX_CUSTOM_WORDS, MAX_TOTAL_WORDS
from .blobs import BlobDirectory, process_alive, this_host

log = logging.getLogger(__name__)

PathLike = Union[str, os.PathLike]

#: Seconds a background job's lease lasts without a heartbeat.
DEFAULT_LEASE_SECONDS = 120.0

#: ``(model kind, job) -> fn(tx, model_row, reason)``: leaves an abandoned
#: model usable (resources marked, status settled). Modules register theirs.
_recoveries: dict[tuple[str, str], Callable[["Transaction", Any, str], None]] = {}
#: ``fn(tx, owner, customer_id)``: each removes one kind of labelled data.
_user_data_purgers: list[Callable[["Transaction", str, str], None]] = []


def register_recovery(kind: str, job: str, fn: Callable[["Transaction", Any, str], None]) -> None:
    """Register how to recover a ``kind`` model abandoned in ``job``."""
    _recoveries[(kind, job)] = fn


def register_user_data_purger(fn: Callable[["Transaction", str, str], None]) -> None:
    """Register a function that deletes the data labelled with a customer id."""
    if fn not in _user_data_purgers:
        _user_data_purgers.append(fn)


def default_home() -> Path:
    """``$ASR_ENGINE_HOME``, else ``~/.local/share/asr_engine``."""
    env = os.environ.get("ASR_ENGINE_HOME")
    return Path(env) if env else Path.home() / ".local" / "share" / "asr_engine"


class LeaseLost(AsrError):
    """The job's lease was recovered by someone else; its work is discarded."""

    default_code = 409


class Transaction:
    """One database transaction plus the blob files it adds or forgets."""

    def __init__(self, store: "Store", conn: Connection) -> None:
        self.store = store
        self.conn = conn
        self.now = time.time()
        self._unlink: list[str] = []
        self._on_rollback: list[Callable[[], None]] = []

    def execute(self, statement, *args):
        return self.conn.execute(statement, *args)

    def add_blob(self, name: str, size: int, model_id: str, role: str, resource_id: Optional[str] = None) -> None:
        """Record a blob already written by :meth:`Store.write_blob`."""
        self.conn.execute(insert(schema.blobs).values(
            name=name, model_id=model_id, resource_id=resource_id, role=role, size=size, created=self.now))

    def drop_blobs(self, *conditions) -> list[str]:
        """Forget the blobs matching ``conditions``; their files go after commit."""
        b = schema.blobs
        names = [r.name for r in self.conn.execute(select(b.c.name).where(*conditions))]
        if names:
            self.conn.execute(delete(b).where(b.c.name.in_(names)))
            self._unlink.extend(names)
        return names

    def unlink_after_commit(self, names: list[str]) -> None:
        """Unlink these blob files (not in the ``blobs`` table) once this commits."""
        self._unlink.extend(n for n in names if n)

    def blob_name(self, model_id: str, role: str, resource_id: Optional[str] = None) -> Optional[str]:
        b = schema.blobs
        cond = [b.c.model_id == model_id, b.c.role == role]
        cond.append(b.c.resource_id == resource_id if resource_id is not None else b.c.resource_id.is_(None))
        row = self.conn.execute(select(b.c.name).where(*cond)).first()
        return row.name if row else None


class JobContext:
    """What a background job gets: its model, its id, and the store."""

    def __init__(self, store: "Store", model_id: str, job_id: str, job: str) -> None:
        self.store = store
        self.model_id = model_id
        self.job_id = job_id
        self.job = job

    @contextmanager
    def finish(self) -> Iterator[Transaction]:
        """A transaction that also releases the lease; raises :class:`LeaseLost`
        (and rolls back) if the lease is no longer ours."""
        with self.store.transaction() as tx:
            m = schema.models
            res = tx.execute(update(m).where(m.c.id == self.model_id, m.c.job_id == self.job_id).values(
                job=None, job_id=None, job_resource=None, lease_holder=None, lease_expires=None,
                revision=m.c.revision + 1, updated=tx.now))
            if res.rowcount != 1:
                raise LeaseLost(f"the {self.job} job on model {self.model_id} lost its lease")
            yield tx


class Store:
    """Custom models and their data, shared by threads and processes.

    Args:
        path: the store's directory (default :func:`default_home`): it holds
            ``store.db`` (unless ``database_url`` is given) and ``blobs/``.
        database_url: a SQLAlchemy URL (``postgresql+psycopg://…``) to keep
            the metadata elsewhere; the blob directory stays under ``path``.
        lease_seconds: how long a background job's lease lasts without renewal.
        workers: background worker threads.
        max_resource_bytes: largest corpus, grammar or audio resource accepted (413 beyond).
        min_acoustic_minutes: least audio a custom acoustic model trains on
            (the service's 10 minutes; small set-ups and tests may lower it).
        max_acoustic_hours: most audio a custom acoustic model may hold.
        max_total_words: most words from all sources one custom language model
            may hold (the service's 10 million; see :mod:`.lm_limits`).
        max_custom_words: most custom (OOV) words one custom language model may
            hold (the service's 90,000).
    """

    def __init__(
        self,
        path: Optional[PathLike] = None,
        *,
        database_url: Optional[str] = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        workers: int = 2,
        max_resource_bytes: int = 100 * 1024 * 1024,
        blob_grace_seconds: float = 600.0,
        min_acoustic_minutes: float = 10.0,
        max_acoustic_hours: float = 200.0,
        max_total_words: int = MAX_TOTAL_WORDS,
        max_custom_words: int = MAX_CUSTOM_WORDS,
    ) -> None:
        self.path = Path(os.fspath(path)) if path is not None else default_home()
        self.path.mkdir(parents=True, exist_ok=True)
        self.blobs = BlobDirectory(self.path / "blobs", grace_seconds=blob_grace_seconds)
        self.lease_seconds = float(lease_seconds)
        self.max_resource_bytes = int(max_resource_bytes)
        self.min_acoustic_minutes = float(min_acoustic_minutes)
        self.max_acoustic_hours = float(max_acoustic_hours)
        for name, value in (("max_total_words", max_total_words), ("max_custom_words", max_custom_words)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"{name} must be a positive integer, not {value!r}")
        self.max_total_words = max_total_words
        self.max_custom_words = max_custom_words
        #: The database URL given (None: SQLite in ``path``), for processes that open this store too.
        self.database_url = database_url
        url = database_url or f"sqlite:///{self.path / 'store.db'}"
        self._engine, self._read_engine = _create_engines(url)
        self.holder = f"{this_host()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="asr-store")
        self._held: dict[str, str] = {}  # job_id -> model_id
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._heartbeat: Optional[threading.Thread] = None
        self._create_schema()
        #: What opening did: abandoned jobs recovered, unreferenced blob files removed.
        self.recovered_on_open = self.recover()
        self.swept_on_open = len(self.sweep())

    # -- set-up -------------------------------------------------------------

    def _create_schema(self) -> None:
        for attempt in range(3):
            try:
                with self._engine.begin() as conn:
                    schema.metadata.create_all(conn)
                    row = conn.execute(select(schema.settings.c.value).where(
                        schema.settings.c.key == "schema_version")).first()
                    if row is None:
                        conn.execute(insert(schema.settings).values(
                            key="schema_version", value=str(schema.SCHEMA_VERSION)))
                    elif int(row.value) != schema.SCHEMA_VERSION:
                        raise AsrError(f"store {self.path} has schema version {row.value}; "
                                       f"this engine reads version {schema.SCHEMA_VERSION}", 500)
                return
            except AsrError:
                raise
            except Exception:  # another process created the tables at the same moment
                if attempt == 2:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Finish running jobs and release the database connections."""
        self._closed.set()
        self._executor.shutdown(wait=True)
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
        self._engine.dispose()
        if self._read_engine is not self._engine:
            self._read_engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- transactions and blobs ----------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A write transaction; blobs it drops are unlinked after commit."""
        tx = None
        try:
            with self._engine.begin() as conn:
                tx = Transaction(self, conn)
                yield tx
        except BaseException:
            for hook in (tx._on_rollback if tx is not None else ()):
                hook()
            raise
        self.blobs.delete(tx._unlink)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot)."""
        with self._read_engine.connect() as conn:
            with conn.begin():
                yield conn

    def write_blob(self, data) -> tuple[str, int]:
        """Write a blob file (bytes, a binary file, or an iterable of bytes)
        durably; record it with :meth:`Transaction.add_blob` afterwards."""
        return self.blobs.write(data)

    def blob_path(self, name: str) -> Path:
        return self.blobs.file(name)

    def sweep(self) -> list[str]:
        """Remove blob files that no row references (see :class:`BlobDirectory`)."""
        with self.reading() as conn:
            referenced = {r.name for r in conn.execute(select(schema.blobs.c.name))}
            # The audio of unfinished recognition jobs lives in the blob directory too.
            jobs = schema.recognition_jobs
            referenced.update(r.audio_blob for r in conn.execute(
                select(jobs.c.audio_blob).where(jobs.c.audio_blob.is_not(None))))
        removed = self.blobs.sweep(referenced)
        if removed:
            log.info("store %s: removed %d unreferenced blob file(s)", self.path, len(removed))
        return removed

    # -- models: ownership and compare-and-set -------------------------------

    def model_row(self, conn, model_id: str, owner: str, kind: str):
        """The model's row; 404 when it does not exist or belongs to another owner."""
        m = schema.models
        row = conn.execute(select(m).where(m.c.id == model_id)).first()
        if row is None or row.owner != owner or row.kind != kind:
            raise NotFoundError(_not_found_text(model_id))
        return row

    def claim(self, tx: Transaction, model_id: str, owner: str, kind: str, job: str, *,
              status: Optional[str] = None, resource: Optional[str] = None,
              busy_message: Optional[str] = None) -> str:
        """Mark the model busy with ``job`` if, and only if, it is idle.

        Returns the job id. Raises 404 for an unknown or foreign model and 409
        (``busy_message``) when another operation holds it.
        """
        m = schema.models
        job_id = str(uuid.uuid4())
        values = dict(job=job, job_id=job_id, job_resource=resource, prior_status=m.c.status,
                      lease_holder=self.holder, lease_expires=tx.now + self.lease_seconds,
                      revision=m.c.revision + 1, updated=tx.now)
        if status is not None:
            values["status"] = status
        self._update_if_idle(tx, model_id, owner, kind, values, busy_message)
        # Held from now on (the heartbeat renews it); pass it to run_job right
        # after the commit. A rolled-back claim is forgotten.
        with self._lock:
            self._held[job_id] = model_id
            self._start_heartbeat()
        tx._on_rollback.append(lambda: self._release(job_id))
        return job_id

    def _release(self, job_id: str) -> None:
        with self._lock:
            self._held.pop(job_id, None)

    def require_idle(self, tx: Transaction, model_id: str, owner: str, kind: str,
                     busy_message: Optional[str] = None):
        """Lock the idle model's row for a synchronous change (bumps its
        revision); 404 / 409 as :meth:`claim`. Returns the row."""
        m = schema.models
        self._update_if_idle(tx, model_id, owner, kind, dict(revision=m.c.revision + 1, updated=tx.now),
                             busy_message)
        return self.model_row(tx.conn, model_id, owner, kind)

    def _update_if_idle(self, tx: Transaction, model_id: str, owner: str, kind: str, values: dict,
                        busy_message: Optional[str]) -> None:
        """The compare-and-set: update the model only where no job holds it
        (recovering an abandoned job first); 404 / 409 otherwise."""
        m = schema.models
        stmt = update(m).where(m.c.id == model_id, m.c.owner == owner, m.c.kind == kind,
                               m.c.job.is_(None)).values(**values)
        if tx.execute(stmt).rowcount == 1:
            return
        row = self.model_row(tx.conn, model_id, owner, kind)
        if self._abandoned(row, tx.now):
            self._recover_row(tx, row)
            if tx.execute(stmt).rowcount == 1:
                return
        raise ConflictError(busy_message or _busy_text(model_id))

    # -- background jobs ------------------------------------------------------

    def run_job(self, model_id: str, job_id: str, job: str, fn: Callable[[JobContext], None],
                on_error: Callable[[JobContext, BaseException], None]) -> Future:
        """Run ``fn`` on a worker thread while holding the model's lease.

        ``fn`` commits its result through :meth:`JobContext.finish`. If it
        raises, ``on_error`` must release the model the same way (a job whose
        lease was lost is just dropped).
        """
        ctx = JobContext(self, model_id, job_id, job)

        def work() -> None:
            try:
                fn(ctx)
            except LeaseLost:
                log.warning("store %s: %s job on %s lost its lease; result dropped", self.path, job, model_id)
            except BaseException as e:  # noqa: BLE001 - every failure must release the model
                try:
                    on_error(ctx, e)
                except LeaseLost:
                    pass
                except Exception:  # pragma: no cover - recovery will release it
                    log.exception("store %s: could not record the failure of %s on %s", self.path, job, model_id)
            finally:
                self._release(job_id)

        future = self._executor.submit(work)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(lambda f: self._discard(f))
        return future

    def _discard(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)

    def wait_idle(self, timeout: Optional[float] = None) -> bool:
        """Wait until this store's background jobs are done; False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._futures)
            if not pending:
                return True
            for f in pending:
                left = None if end is None else max(0.0, end - time.monotonic())
                try:
                    f.result(timeout=left)
                except Exception:
                    if end is not None and time.monotonic() >= end:
                        return False

    def _start_heartbeat(self) -> None:
        if self._heartbeat is None or not self._heartbeat.is_alive():
            self._heartbeat = threading.Thread(target=self._beat, name="asr-store-lease", daemon=True)
            self._heartbeat.start()

    def _beat(self) -> None:
        period = max(0.05, self.lease_seconds / 4.0)
        while not self._closed.wait(period):
            with self._lock:
                held = list(self._held)
            if not held:
                continue
            try:
                m = schema.models
                with self.transaction() as tx:
                    tx.execute(update(m).where(m.c.job_id.in_(held), m.c.lease_holder == self.holder)
                               .values(lease_expires=tx.now + self.lease_seconds))
            except Exception:  # pragma: no cover - the next beat tries again
                log.exception("store %s: lease renewal failed", self.path)

    # -- recovery -------------------------------------------------------------

    def _abandoned(self, row, now: float) -> bool:
        if row.job is None:
            return False
        if row.lease_holder == self.holder:
            with self._lock:
                return row.job_id not in self._held
        if row.lease_expires is not None and row.lease_expires < now:
            return True
        host, _, rest = (row.lease_holder or "").partition(":")
        pid = rest.partition(":")[0]
        return host == this_host() and pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid))

    def _recover_row(self, tx: Transaction, row) -> None:
        reason = _interrupted_text(row.job)
        handler = _recoveries.get((row.kind, row.job))
        m = schema.models
        tx.execute(update(m).where(m.c.id == row.id).values(
            job=None, job_id=None, job_resource=None, lease_holder=None, lease_expires=None,
            status=row.prior_status or row.status, revision=m.c.revision + 1, updated=tx.now))
        if handler is not None:
            handler(tx, row, reason)
        else:
            tx.execute(update(m).where(m.c.id == row.id).values(error=reason))
        log.warning("store %s: recovered model %s from an abandoned %s job", self.path, row.id, row.job)

    def recover(self, model_id: Optional[str] = None) -> int:
        """Release models whose job was abandoned (dead holder or expired
        lease); returns how many. Runs on open and when a busy model is read."""
        m = schema.models
        cond = [m.c.job.is_not(None)]
        if model_id is not None:
            cond.append(m.c.id == model_id)
        now = time.time()
        with self.reading() as conn:
            candidates = [r for r in conn.execute(select(m).where(*cond)) if self._abandoned(r, now)]
        done = 0
        for cand in candidates:
            with self.transaction() as tx:
                row = tx.execute(select(m).where(m.c.id == cand.id)).first()
                if row is not None and row.job_id == cand.job_id and self._abandoned(row, tx.now):
                    self._recover_row(tx, row)
                    done += 1
        return done

    # -- data labelled with a customer id -------------------------------------

    def delete_user_data(self, owner: str, customer_id: str) -> None:
        """Delete everything of ``owner`` labelled ``customer_id``, in one transaction."""
        with self.transaction() as tx:
            for purge in _user_data_purgers:
                purge(tx, owner, customer_id)


def _create_engines(url: str) -> tuple[Engine, Engine]:
    """The write and read engines. The only dialect-specific code of the store:
    SQLite gets WAL mode, a busy timeout, and ``BEGIN IMMEDIATE`` for writes
    (so two writers queue instead of deadlocking on a lock upgrade)."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True)
        return engine, engine

    def make(begin: str) -> Engine:
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql(begin)

        return engine

    return make("BEGIN IMMEDIATE"), make("BEGIN")


def _not_found_text(model_id: str) -> str:
    return f"Customization ID '{model_id}' not found."


def _busy_text(model_id: str) -> str:
    return (f"The request cannot be processed because another operation is in progress on "
            f"customization '{model_id}'. Wait until it finishes (poll the model's status) and try again.")


def _interrupted_text(job: str) -> str:
    what = {"training": "Training", "upgrading": "Upgrading", "corpus": "Analysis of a corpus",
            "grammar": "Analysis of a grammar", "words": "Processing of added words",
            "audio": "Analysis of an audio resource"}.get(job, f"The {job} job")
    return (f"{what} was interrupted because the process running it stopped; "
            f"the model was returned to a usable state. Submit the request again.")


__all__ = ["Store", "Transaction", "JobContext", "LeaseLost", "default_home",
           "register_recovery", "register_user_data_purger", "DEFAULT_LEASE_SECONDS"]
