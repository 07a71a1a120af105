"""Named resources of a custom model: corpora, grammars (and audio later).

What every kind shares: the name rules, reading the upload under a size
limit, writing it as a blob before the row that names it, replacing an
existing resource only with ``allow_overwrite``, and handing the analysis
to a background job that holds the model (one operation at a time, 409
otherwise). The kinds differ in their analysis and in what a resource
leaves behind in the model (:meth:`ResourcesMixin._forget_resource`).
"""
from __future__ import annotations

import uuid
from typing import Callable, Optional

from sqlalchemy import delete, insert, select, update

from ..errors import ConflictError, InvalidArgumentError, NotFoundError, PayloadTooLargeError
from . import schema
from .names import check_guid, check_resource_name
from .store import JobContext, Transaction

RESOURCE_NOUNS = {"corpus": "corpus", "grammar": "grammar", "audio": "audio resource"}


def read_upload(data, limit: int) -> bytes:
    """The bytes of an upload (bytes, str, or a binary file); 413 past ``limit``."""
    if isinstance(data, str):
        raw = data.encode("utf-8")
    elif isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
    elif hasattr(data, "read"):
        raw = data.read(limit + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    else:
        raise InvalidArgumentError("the file must be bytes, text or a binary file object")
    if len(raw) > limit:
        raise PayloadTooLargeError(
            f"Request failed because the input stream is larger than {_megabytes(limit)} MB")
    return raw


def _megabytes(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:g}" if mb >= 1 else f"{mb:.3g}"


class ResourcesMixin:
    """Shared resource operations (used by :class:`CustomLanguageModels`)."""

    def _resource_row(self, conn, model_id: str, kind: str, name: str):
        r = schema.resources
        row = conn.execute(select(r).where(r.c.model_id == model_id, r.c.name == name)).first()
        if row is None or row.kind != kind:
            noun = RESOURCE_NOUNS[kind]
            raise NotFoundError(f"The {noun} '{name}' does not exist in customization '{model_id}'.")
        return row

    def _resources(self, owner: str, customization_id: str, kind: str) -> list:
        row = self._fresh_row(owner, customization_id)
        r = schema.resources
        with self.store.reading() as conn:
            return list(conn.execute(select(r).where(r.c.model_id == row.id, r.c.kind == kind)
                                     .order_by(r.c.created, r.c.name)))

    def _resource(self, owner: str, customization_id: str, kind: str, name: str):
        row = self._fresh_row(owner, customization_id)
        check_resource_name(name, RESOURCE_NOUNS[kind])
        with self.store.reading() as conn:
            return self._resource_row(conn, row.id, kind, name)

    def _add_resource(self, owner: str, customization_id: str, kind: str, name: str, raw: bytes, *,
                      allow_overwrite: bool, customer_id: Optional[str], content_type: Optional[str],
                      analyze: Callable[[JobContext, str], None],
                      failed: Callable[[Transaction, object, BaseException], None],
                      details: Optional[dict] = None) -> dict:
        """Store the upload and start its analysis; returns ``{}`` (201)."""
        customization_id = check_guid(customization_id)
        noun = RESOURCE_NOUNS[kind]
        check_resource_name(name, noun)
        if customer_id is not None and (not isinstance(customer_id, str) or ";" in customer_id
                                        or "=" in customer_id):
            raise InvalidArgumentError("customer_id may not contain ';' or '='")
        resource_id = str(uuid.uuid4())
        blob, size = self.store.write_blob(raw)
        try:
            with self.store.transaction() as tx:
                job_id = self._claim(tx, owner, customization_id, kind, status="pending", resource=resource_id,
                                     busy_message=_busy_text(customization_id, noun))
                r = schema.resources
                old = tx.execute(select(r).where(r.c.model_id == customization_id, r.c.name == name)).first()
                if old is not None:
                    if old.kind != kind:
                        raise ConflictError(
                            f"A {RESOURCE_NOUNS[old.kind]} named '{name}' already exists in customization "
                            f"'{customization_id}'; corpora and grammars need different names.")
                    if not allow_overwrite:
                        raise ConflictError(
                            f"The {noun} '{name}' already exists in customization '{customization_id}'. "
                            "Set the 'allow_overwrite' flag to 'true' to replace it.")
                    self._delete_resource(tx, old)
                tx.execute(insert(r).values(
                    id=resource_id, model_id=customization_id, owner=owner, kind=kind, name=name,
                    status="being_processed", customer_id=customer_id, content_type=content_type,
                    total_words=0, oov_words=0, details=dict(details or {}), error=None, created=tx.now, updated=tx.now))
                tx.add_blob(blob, size, customization_id, "source", resource_id)
        except BaseException:
            self.store.blobs.delete([blob])
            raise

        def on_error(ctx: JobContext, exc: BaseException) -> None:
            with ctx.finish() as tx:
                res = tx.execute(select(schema.resources).where(schema.resources.c.id == resource_id)).first()
                if res is not None:
                    failed(tx, res, exc)

        self.store.run_job(customization_id, job_id, kind, lambda ctx: analyze(ctx, resource_id), on_error)
        return {}

    def _delete_resource(self, tx: Transaction, res) -> None:
        """Remove a resource row, its blobs and what it left in the model."""
        self._forget_resource(tx, res)
        tx.drop_blobs(schema.blobs.c.resource_id == res.id)
        tx.execute(delete(schema.resources).where(schema.resources.c.id == res.id))

    def _forget_resource(self, tx: Transaction, res) -> None:  # pragma: no cover - overridden
        pass

    def _remove_resource(self, owner: str, customization_id: str, kind: str, name: str) -> dict:
        customization_id = check_guid(customization_id)
        noun = RESOURCE_NOUNS[kind]
        check_resource_name(name, noun)
        with self.store.transaction() as tx:
            self.store.require_idle(tx, customization_id, owner, self.KIND,
                                    busy_message=_busy_text(customization_id, noun, "delete"))
            res = self._resource_row(tx.conn, customization_id, kind, name)
            self._delete_resource(tx, res)
            self._changed(tx, customization_id)
        return {}

    def _read_source(self, resource_id: str) -> bytes:
        with self.store.reading() as conn:
            b = schema.blobs
            row = conn.execute(select(b.c.name).where(b.c.resource_id == resource_id, b.c.role == "source")).first()
        if row is None:
            raise NotFoundError("the resource was deleted while it was being analysed")
        return self.store.blobs.read(row.name)


def _busy_text(model_id: str, noun: str, verb: str = "add") -> str:
    what = "audio" if noun == "audio resource" else "a corpus, grammar or words"
    article = "an" if noun[0] in "aeiou" else "a"
    return (f"Cannot {verb} {article} {noun} now: another operation (training, or the analysis of {what}) "
            f"is in progress on customization '{model_id}'. Wait until the model's "
            "status is no longer 'pending', 'training' or 'upgrading' and try again.")


def record_analysis(tx: Transaction, resource_id: str, status: str, **values) -> None:
    r = schema.resources
    tx.execute(update(r).where(r.c.id == resource_id).values(status=status, updated=tx.now, **values))


__all__ = ["ResourcesMixin", "read_upload", "record_analysis", "RESOURCE_NOUNS"]
