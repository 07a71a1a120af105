"""What the custom language and acoustic model services share.

:class:`CustomModels` holds one kind of custom model (``KIND``) in a
:class:`~asr_engine.customization.Store`: the owner-checked row lookups
(recovering an abandoned job on the way), the compare-and-set claims, and
the model operations that are the same for both kinds (create with the
per-owner limit, list with a language filter, delete and reset around a
kind-specific removal of contents).
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Callable, Optional

from sqlalchemy import delete, func, insert, select, update

from ..errors import InvalidArgumentError
from . import base_models as _base
from . import schema
from .names import check_description, check_guid, check_model_name
from .store import Transaction

#: Custom models of one kind that one owner may have (the service's limit).
MAX_MODELS_PER_OWNER = 1024


class CustomModels:
    """Base of :class:`CustomLanguageModels` and :class:`CustomAcousticModels`."""

    KIND = ""
    NOUN = ""  #: "language" or "acoustic", for messages

    def _row(self, conn, owner: str, customization_id):
        return self.store.model_row(conn, check_guid(customization_id), owner, self.KIND)

    def _fresh_row(self, owner: str, customization_id):
        """The model's row, after recovering it if its job was abandoned."""
        with self.store.reading() as conn:
            row = self._row(conn, owner, customization_id)
        if row.job is not None and self.store.recover(row.id):
            with self.store.reading() as conn:
                row = self._row(conn, owner, customization_id)
        return row

    def _base(self, row) -> _base.BaseModel:
        return _base.lookup(self.base_models, row.base_model_name)

    def _claim(self, tx: Transaction, owner: str, customization_id: str, job: str, **kw) -> str:
        return self.store.claim(tx, customization_id, owner, self.KIND, job, **kw)

    def _idle(self, tx: Transaction, owner: str, customization_id: str):
        return self.store.require_idle(tx, check_guid(customization_id), owner, self.KIND)

    def _create_model(self, owner: str, name, base_model_name, description) -> dict:
        name = check_model_name(name)
        description = check_description(description)
        base = _base.lookup(self.base_models, base_model_name)
        model_id = str(uuid.uuid4())
        version = base.version
        with self.store.transaction() as tx:
            m = schema.models
            count = tx.execute(select(func.count()).select_from(m).where(
                m.c.owner == owner, m.c.kind == self.KIND)).scalar_one()
            if count >= MAX_MODELS_PER_OWNER:
                raise InvalidArgumentError(
                    f"The maximum number of {MAX_MODELS_PER_OWNER} custom {self.NOUN} models has been reached; "
                    "delete one before creating another.")
            tx.execute(insert(m).values(
                id=model_id, kind=self.KIND, owner=owner, name=name, description=description,
                base_model_name=base.name, language=base.language, dialect=base.language,
                versions=[version], status="pending", progress=0, settings={}, dirty=False,
                failed=False, revision=0, created=tx.now, updated=tx.now))
        return {"customization_id": model_id}

    def _list_rows(self, owner: str, language: Optional[str]) -> list:
        if language is not None and (not isinstance(language, str) or not language):
            raise InvalidArgumentError("language must be a language identifier such as 'en-US'")
        m = schema.models
        q = select(m).where(m.c.owner == owner, m.c.kind == self.KIND).order_by(m.c.created, m.c.id)
        if language is not None:
            q = q.where(m.c.language == language)
        with self.store.reading() as conn:
            rows = list(conn.execute(q))
        if any(r.job is not None for r in rows) and self.store.recover():
            with self.store.reading() as conn:
                rows = list(conn.execute(q))
        return rows

    def _delete_model(self, owner: str, customization_id, contents: Callable[[Transaction, str], None]) -> dict:
        customization_id = check_guid(customization_id)
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            contents(tx, customization_id)
            tx.execute(delete(schema.models).where(schema.models.c.id == customization_id))
        return {}

    def _reset_model(self, owner: str, customization_id, contents: Callable[[Transaction, str], None]) -> dict:
        customization_id = check_guid(customization_id)
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            contents(tx, customization_id)
            tx.execute(update(schema.models).where(schema.models.c.id == customization_id).values(
                status="pending", progress=0, error=None, settings={}, dirty=False, failed=False,
                trained_version=None, updated=tx.now))
        return {}


class ArtifactCache:
    """Loaded trained artifacts by blob name (LRU), shared by threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: "OrderedDict[str, object]" = OrderedDict()

    def get(self, key: str):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: str, value) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def artifact_cache(service, attribute: str, size: int) -> ArtifactCache:
    """The service's cache called ``attribute`` (made on first use)."""
    cache = service.__dict__.get(attribute)
    if cache is None:
        cache = service.__dict__.setdefault(attribute, ArtifactCache(size))
    return cache


__all__ = ["CustomModels", "MAX_MODELS_PER_OWNER", "ArtifactCache", "artifact_cache"]
