"""Custom acoustic models: the IBM Watson custom-acoustic-model service.

:class:`CustomAcousticModels` implements §3 of the service contract on the
same :class:`~asr_engine.customization.Store` as the custom language models:
every method takes the caller's ``owner`` (another owner's model is 404,
like an unknown id) and returns the service's JSON body as plain data.
Audio analysis, training and upgrading run on the store's workers and are
polled through ``get_acoustic_model`` / ``get_audio``. Audio resources are
in :mod:`.audio`, training in :mod:`.acoustic_training`.

``delete_user_data`` removes the audio resources labelled with the customer
id; a model trained on removed audio loses its trained artifact too (it was
estimated from that audio) and must be trained again.
"""
from __future__ import annotations

import uuid
from typing import Mapping, Optional

from sqlalchemy import delete, func, insert, select, update

from ..errors import InvalidArgumentError
from . import am_state
from . import base_models as _base
from . import schema
from .acoustic_training import AcousticTrainingMixin, sweep_work_dirs
from .audio import AudioMixin
from .language_models import MAX_MODELS_PER_OWNER, CustomLanguageModels
from .names import check_description, check_guid, check_model_name
from .store import Store, Transaction, register_recovery, register_user_data_purger

KIND = am_state.KIND


class CustomAcousticModels(AudioMixin, AcousticTrainingMixin):
    """Custom acoustic models of all owners in one store.

    Args:
        store: the :class:`Store` (default: one at :func:`default_home`).
        base_models: ``{name: BaseModel}`` the models may be created on.
        language_models: the custom language models used for lightly
            supervised training (default: a service on the same store).
    """

    KIND = KIND

    def __init__(self, store: Optional[Store] = None, base_models: Optional[Mapping[str, _base.BaseModel]] = None,
                 language_models: Optional[CustomLanguageModels] = None) -> None:
        if language_models is not None and store is None:
            store = language_models.store
        self.store = store if store is not None else Store()
        if base_models is None:
            base_models = language_models.base_models if language_models is not None else _base.shared_base_models()
        self.base_models = dict(base_models)
        self.language_models = language_models if language_models is not None else \
            CustomLanguageModels(self.store, self.base_models)
        sweep_work_dirs(self.store)  # scratch directories of killed trainings

    # -- helpers shared by the mixins ------------------------------------------

    def _row(self, conn, owner: str, customization_id):
        return self.store.model_row(conn, check_guid(customization_id), owner, KIND)

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
        return self.store.claim(tx, customization_id, owner, KIND, job, **kw)

    def _idle(self, tx: Transaction, owner: str, customization_id: str):
        return self.store.require_idle(tx, check_guid(customization_id), owner, KIND)

    def _changed(self, tx: Transaction, customization_id: str) -> None:
        am_state.mark_changed(tx, customization_id)

    # -- models ---------------------------------------------------------------

    def create_acoustic_model(self, owner: str, name: str, base_model_name: str, *,
                              description: Optional[str] = None) -> dict:
        """Create a model; returns ``{"customization_id": ...}`` (201)."""
        name = check_model_name(name)
        description = check_description(description)
        base = _base.lookup(self.base_models, base_model_name)
        model_id = str(uuid.uuid4())
        with self.store.transaction() as tx:
            m = schema.models
            count = tx.execute(select(func.count()).select_from(m).where(
                m.c.owner == owner, m.c.kind == KIND)).scalar_one()
            if count >= MAX_MODELS_PER_OWNER:
                raise InvalidArgumentError(
                    f"The maximum number of {MAX_MODELS_PER_OWNER} custom acoustic models has been reached; "
                    "delete one before creating another.")
            tx.execute(insert(m).values(
                id=model_id, kind=KIND, owner=owner, name=name, description=description,
                base_model_name=base.name, language=base.language, dialect=base.language,
                versions=[base.version], status="pending", progress=0, settings={}, dirty=False,
                failed=False, revision=0, created=tx.now, updated=tx.now))
        return {"customization_id": model_id}

    def list_acoustic_models(self, owner: str, *, language: Optional[str] = None) -> dict:
        """``{"customizations": [AcousticModel, ...]}``, optionally of one language."""
        if language is not None and (not isinstance(language, str) or not language):
            raise InvalidArgumentError("language must be a language identifier such as 'en-US'")
        m = schema.models
        q = select(m).where(m.c.owner == owner, m.c.kind == KIND).order_by(m.c.created, m.c.id)
        if language is not None:
            q = q.where(m.c.language == language)
        with self.store.reading() as conn:
            rows = list(conn.execute(q))
        if any(r.job is not None for r in rows) and self.store.recover():
            with self.store.reading() as conn:
                rows = list(conn.execute(q))
        return {"customizations": [am_state.model_json(r) for r in rows]}

    def get_acoustic_model(self, owner: str, customization_id: str) -> dict:
        return am_state.model_json(self._fresh_row(owner, customization_id))

    def delete_acoustic_model(self, owner: str, customization_id: str) -> dict:
        """Delete the model, its audio and its trained artifact (409 while an operation runs)."""
        customization_id = check_guid(customization_id)
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            _delete_contents(tx, customization_id)
            tx.execute(delete(schema.models).where(schema.models.c.id == customization_id))
        return {}

    def reset_acoustic_model(self, owner: str, customization_id: str) -> dict:
        """Remove all audio resources and the trained model; keep name and base."""
        customization_id = check_guid(customization_id)
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            _delete_contents(tx, customization_id)
            tx.execute(update(schema.models).where(schema.models.c.id == customization_id).values(
                status="pending", progress=0, error=None, settings={}, dirty=False, failed=False,
                trained_version=None, updated=tx.now))
        return {}


def _delete_contents(tx: Transaction, model_id: str) -> None:
    tx.drop_blobs(schema.blobs.c.model_id == model_id)
    tx.execute(delete(schema.resources).where(schema.resources.c.model_id == model_id))


# -- data labelled with a customer id ------------------------------------------

def _purge_customer(tx: Transaction, owner: str, customer_id: str) -> None:
    r, m = schema.resources, schema.models
    touched: set[str] = set()
    for res in tx.execute(select(r.c.id, r.c.model_id).where(
            r.c.owner == owner, r.c.customer_id == customer_id, r.c.kind == "audio")).all():
        tx.drop_blobs(schema.blobs.c.resource_id == res.id)
        tx.execute(delete(r).where(r.c.id == res.id))
        touched.add(res.model_id)
    for model_id in touched:
        row = tx.execute(select(m).where(m.c.id == model_id, m.c.kind == KIND)).first()
        if row is None:
            continue
        values = {"dirty": True, "failed": False}
        if am_state.has_artifact(tx.conn, model_id):
            tx.drop_blobs(schema.blobs.c.model_id == model_id, schema.blobs.c.resource_id.is_(None))
            values.update(trained_version=None, error=(
                "Audio used to train this model was deleted by a delete_user_data request; "
                "the trained model was removed with it. Train the model again."))
        am_state.settle(tx, model_id, **values)


# -- recovery of abandoned jobs --------------------------------------------------

def _recover_audio(tx: Transaction, row, reason: str) -> None:
    r = schema.resources
    if row.job_resource:
        res = tx.execute(select(r).where(r.c.id == row.job_resource)).first()
        if res is not None and res.status == "being_processed":
            tx.execute(update(r).where(r.c.id == res.id).values(
                status="invalid", details=dict(res.details or {}, details={"type": "undetermined"}),
                error="The analysis of the audio was interrupted; add it again with allow_overwrite=true.",
                updated=tx.now))
    am_state.settle(tx, row.id, error=reason)


def _recover_training(tx: Transaction, row, reason: str) -> None:
    am_state.settle(tx, row.id, error=reason)


register_recovery(KIND, "audio", _recover_audio)
for _job in ("training", "upgrading"):
    register_recovery(KIND, _job, _recover_training)
register_user_data_purger(_purge_customer)

__all__ = ["CustomAcousticModels"]
