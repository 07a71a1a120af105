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

from typing import Mapping, Optional

from sqlalchemy import delete, select, update

from . import am_state
from . import base_models as _base
from . import schema
from .acoustic_training import AcousticTrainingMixin, sweep_work_dirs
from .audio import AudioMixin
from .language_models import CustomLanguageModels
from .models import CustomModels
from .store import Store, Transaction, register_recovery, register_user_data_purger

KIND = am_state.KIND


class CustomAcousticModels(CustomModels, AudioMixin, AcousticTrainingMixin):
    """Custom acoustic models of all owners in one store.

    Args:
        store: the :class:`Store` (default: one at :func:`default_home`).
        base_models: ``{name: BaseModel}`` the models may be created on.
        language_models: the custom language models used for lightly
            supervised training (default: a service on the same store).
    """

    KIND = KIND
    NOUN = "acoustic"

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

    def _changed(self, tx: Transaction, customization_id: str) -> None:
        am_state.mark_changed(tx, customization_id)

    # -- models ---------------------------------------------------------------

    def create_acoustic_model(self, owner: str, name: str, base_model_name: str, *,
                              description: Optional[str] = None) -> dict:
        """Create a model; returns ``{"customization_id": ...}`` (201)."""
        return self._create_model(owner, name, base_model_name, description)

    def list_acoustic_models(self, owner: str, *, language: Optional[str] = None) -> dict:
        """``{"customizations": [AcousticModel, ...]}``, optionally of one language."""
        return {"customizations": [am_state.model_json(r) for r in self._list_rows(owner, language)]}

    def get_acoustic_model(self, owner: str, customization_id: str) -> dict:
        return am_state.model_json(self._fresh_row(owner, customization_id))

    def delete_acoustic_model(self, owner: str, customization_id: str) -> dict:
        """Delete the model, its audio and its trained artifact (409 while an operation runs)."""
        return self._delete_model(owner, customization_id, _delete_contents)

    def reset_acoustic_model(self, owner: str, customization_id: str) -> dict:
        """Remove all audio resources and the trained model; keep name and base."""
        return self._reset_model(owner, customization_id, _delete_contents)


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
