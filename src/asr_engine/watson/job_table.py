"""The ``recognition_jobs`` rows of a customization store: how a job is
recorded, claimed, leased, finished, recovered and forgotten.

Every state change is one transaction with a compare-and-set on the row's
``status`` (and ``lease_holder`` once claimed), so several managers, in one
process or in replicas sharing a PostgreSQL store, never run one job twice
and never overwrite each other's outcome. The audio is a blob file until the
job ends; its file is unlinked only after the row forgetting it commits.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import delete, func, insert, select, update

from ..customization import schema
from ..customization.blobs import process_alive, this_host
from ..customization.store import register_user_data_purger

T = schema.recognition_jobs
UNFINISHED = ("waiting", "processing")
FINISHED = ("completed", "failed")

#: Lease holders of the managers open in this process (a holder of this
#: process that is not here belonged to a manager that was closed or lost).
LIVE_HOLDERS: set[str] = set()


@dataclass
class Claimed:
    """A job a manager holds: what it needs to run and to report it."""

    id: str
    owner: str
    audio: bytes
    content_type: Optional[str]
    params: dict
    attempts: int


def abandoned(holder: Optional[str], lease_expires: Optional[float], now: float) -> bool:
    """Whether a ``processing`` job's holder is gone: its lease expired, or
    it was a process of this host that no longer exists (or a manager of
    this process that is closed)."""
    if holder in LIVE_HOLDERS:
        return False
    if lease_expires is None or lease_expires < now:
        return True
    host, _, rest = (holder or "").partition(":")
    pid = rest.partition(":")[0]
    if host != this_host() or not pid.isdigit():
        return False  # another host's: only its lease tells
    return int(pid) == os.getpid() or not process_alive(int(pid))


class JobTable:
    """The jobs of one store (``store`` is a :class:`~asr_engine.customization.Store`)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    # -- recording and reading ---------------------------------------------------

    def insert(self, values: dict, audio: bytes) -> None:
        """Record a ``waiting`` job; its audio goes to a blob file first."""
        name, _size = self.store.write_blob(audio)
        try:
            with self.store.transaction() as tx:
                tx.execute(insert(T).values(audio_blob=name, status="waiting", attempts=0, **values))
        except BaseException:
            self.store.blobs.delete([name])
            raise

    def row(self, job_id: str):
        with self.store.reading() as conn:
            return conn.execute(select(T).where(T.c.id == job_id)).first()

    def newest(self, owner: str, limit: int) -> list:
        with self.store.reading() as conn:
            return list(conn.execute(select(T).where(T.c.owner == owner)
                                     .order_by(T.c.created.desc(), T.c.id).limit(limit)))

    def unfinished(self) -> int:
        with self.store.reading() as conn:
            return conn.execute(select(func.count()).select_from(T).where(T.c.status.in_(UNFINISHED))).scalar_one()

    # -- claiming, renewing, finishing ---------------------------------------------

    def claim(self, holder: str, lease_seconds: float, now: float) -> Optional[Claimed]:
        """Take the oldest ``waiting`` job (compare-and-set), or None."""
        with self.store.reading() as conn:
            ids = [r.id for r in conn.execute(select(T.c.id).where(T.c.status == "waiting")
                                              .order_by(T.c.created, T.c.id).limit(8))]
        for job_id in ids:
            with self.store.transaction() as tx:
                res = tx.execute(update(T).where(T.c.id == job_id, T.c.status == "waiting").values(
                    status="processing", attempts=T.c.attempts + 1, lease_holder=holder,
                    lease_expires=time.time() + lease_seconds, updated=now))
                if res.rowcount != 1:
                    continue  # another manager took it
                row = tx.execute(select(T).where(T.c.id == job_id)).first()
            try:
                audio = self.store.blob_path(row.audio_blob).read_bytes()
            except (OSError, TypeError, ValueError):
                audio = b""  # fails as bad audio rather than vanishing
            return Claimed(row.id, row.owner, audio, row.content_type, dict(row.params), row.attempts)
        return None

    def renew(self, holder: str, job_ids: list[str], lease_seconds: float) -> None:
        with self.store.transaction() as tx:
            tx.execute(update(T).where(T.c.id.in_(job_ids), T.c.lease_holder == holder,
                                       T.c.status == "processing")
                       .values(lease_expires=time.time() + lease_seconds))

    def finish(self, job_id: str, holder: Optional[str], status: str, now: float, *,
               results: Optional[list] = None, warning: Optional[str] = None, refund: bool = False):
        """Settle a ``processing`` job as ``status`` (``waiting`` to run it
        again, with ``refund`` not counting this attempt) if ``holder`` still
        holds it (None: whoever does); the updated row, or None when the
        lease was lost."""
        with self.store.transaction() as tx:
            cond = [T.c.id == job_id, T.c.status == "processing"]
            if holder is not None:
                cond.append(T.c.lease_holder == holder)
            row = tx.execute(select(T).where(*cond)).first()
            if row is None:
                return None
            values: dict[str, Any] = {"status": status, "updated": now, "lease_expires": None}
            if status == "waiting":
                values["lease_holder"] = None
                if refund:
                    values["attempts"] = T.c.attempts - 1
            else:
                values.update(audio_blob=None, expires=now + 60.0 * row.results_ttl)
                if results is not None:
                    values["results"] = results
                if warning is not None:
                    values["warnings"] = list(row.warnings) + [warning]
            if tx.execute(update(T).where(*cond).values(**values)).rowcount != 1:
                return None
            if status != "waiting" and row.audio_blob:
                tx.unlink_after_commit([row.audio_blob])
            return tx.execute(select(T).where(T.c.id == job_id)).first()

    def abandoned_jobs(self, now: float) -> list:
        """``processing`` jobs whose holder is gone."""
        with self.store.reading() as conn:
            rows = list(conn.execute(select(T.c.id, T.c.lease_holder, T.c.lease_expires)
                                     .where(T.c.status == "processing")))
        return [r for r in rows if abandoned(r.lease_holder, r.lease_expires, now)]

    def take_over(self, row, now: float, max_attempts: int, reason: str):
        """Settle an abandoned job: back to ``waiting`` if it has attempts
        left, else ``failed`` with ``reason``; the new row, or None if its
        holder came back or someone else settled it first."""
        with self.store.reading() as conn:
            cur = conn.execute(select(T).where(T.c.id == row.id, T.c.status == "processing",
                                             T.c.lease_holder == row.lease_holder)).first()
            if cur is None or not abandoned(cur.lease_holder, cur.lease_expires, time.time()):
                return None
        status = "waiting" if cur.attempts < max_attempts else "failed"
        return self.finish(cur.id, cur.lease_holder, status, now,
                           warning=None if status == "waiting" else reason)

    # -- forgetting ----------------------------------------------------------------

    def delete(self, job_id: str, owner: str) -> str:
        """Forget a job unless it is being processed: ``"deleted"``,
        ``"processing"`` or ``"missing"``."""
        with self.store.transaction() as tx:
            row = tx.execute(select(T.c.status, T.c.audio_blob).where(T.c.id == job_id, T.c.owner == owner)).first()
            if row is None:
                return "missing"
            if row.status == "processing":
                return "processing"
            tx.execute(delete(T).where(T.c.id == job_id, T.c.status != "processing"))
            if row.audio_blob:
                tx.unlink_after_commit([row.audio_blob])
        return "deleted"

    def expire(self, now: float) -> int:
        """Forget finished jobs past their ``results_ttl``."""
        with self.store.reading() as conn:
            ids = [r.id for r in conn.execute(select(T.c.id).where(T.c.status.in_(FINISHED), T.c.expires <= now))]
        if ids:
            with self.store.transaction() as tx:
                tx.execute(delete(T).where(T.c.id.in_(ids), T.c.status.in_(FINISHED), T.c.expires <= now))
        return len(ids)


def purge(tx: Any, owner: str, customer_id: str) -> None:
    """``delete_user_data``'s part (in the store's transaction ``tx``): forget
    the owner's labelled jobs and callback URLs; a job being processed is
    forgotten as soon as it ends."""
    cond = [T.c.owner == owner, T.c.customer_id == customer_id]
    blobs = [r.audio_blob for r in tx.execute(select(T.c.audio_blob).where(
        *cond, T.c.status != "processing", T.c.audio_blob.is_not(None)))]
    tx.execute(delete(T).where(*cond, T.c.status != "processing"))
    tx.execute(update(T).where(*cond).values(results_ttl=0))
    tx.unlink_after_commit(blobs)
    c = schema.job_callbacks
    tx.execute(delete(c).where(c.c.owner == owner, c.c.customer_id == customer_id))


register_user_data_purger(purge)


__all__ = ["JobTable", "Claimed", "purge", "abandoned", "LIVE_HOLDERS", "UNFINISHED", "FINISHED"]
