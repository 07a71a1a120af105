"""Custom language models: the IBM Watson custom-language-model service.

:class:`CustomLanguageModels` implements §2 of the service contract on a
:class:`~asr_engine.customization.Store`: every method takes the caller's
``owner`` (a model of another owner is 404, like an unknown id) and returns
the service's JSON body as plain data. Long work (corpus and grammar
analysis, word processing, training, upgrading) runs on the store's workers
and is polled through the ``get_*`` methods. Resource operations live in
:mod:`.corpora`, :mod:`.words`, :mod:`.grammars`; training and upgrading in
:mod:`.training`.

Deleting user data (``delete_user_data``) removes the corpora, grammars and
user word definitions labelled with the customer id, and the words that only
they defined. A custom model that had been **trained** on removed data loses
its trained artifact too (the n-gram model is derived from the text): it is
no longer ``available`` until it is trained again on what remains, and its
``error`` says so.
"""
from __future__ import annotations

from typing import Mapping, Optional

from sqlalchemy import delete, select, update

from ..errors import InvalidArgumentError
from . import base_models as _base
from . import lm_state, schema
from .corpora import CorporaMixin
from .grammars import GrammarsMixin
from .models import MAX_MODELS_PER_OWNER, CustomModels
from .store import Store, Transaction, register_recovery, register_user_data_purger
from .training import TrainingMixin
from .words import WordsMixin

KIND = lm_state.KIND


class CustomLanguageModels(CustomModels, CorporaMixin, WordsMixin, GrammarsMixin, TrainingMixin):
    """Custom language models of all owners in one store.

    Args:
        store: the :class:`Store` (default: one at :func:`default_home`).
        base_models: ``{name: BaseModel}`` the models may be created on
            (default ``en-US_BroadbandModel`` and ``en-US_NarrowbandModel``).
    """

    KIND = KIND
    NOUN = "language"

    def __init__(self, store: Optional[Store] = None,
                 base_models: Optional[Mapping[str, _base.BaseModel]] = None) -> None:
        self.store = store if store is not None else Store()
        self.base_models = dict(base_models) if base_models is not None else _base.shared_base_models()
        self._pronouncers: dict[str, object] = {}

    # -- helpers shared by the mixins ------------------------------------------

    def _pronouncer(self, base: _base.BaseModel):
        from .pronunciation import Pronouncer

        p = self._pronouncers.get(base.name)
        if p is None:
            p = self._pronouncers[base.name] = Pronouncer(base.vocabulary())
        return p

    def _changed(self, tx: Transaction, customization_id: str) -> None:
        lm_state.mark_changed(tx, customization_id)

    def _forget_resource(self, tx: Transaction, res) -> None:
        """A corpus or grammar goes: so do the words only it contributed."""
        s = schema.word_sources
        tx.execute(delete(s).where(s.c.resource_id == res.id))
        _drop_unsourced_words(tx, res.model_id)

    # -- models ---------------------------------------------------------------

    def create_language_model(self, owner: str, name: str, base_model_name: str, *,
                              dialect: Optional[str] = None, description: Optional[str] = None) -> dict:
        """Create a model; returns ``{"customization_id": ...}`` (201)."""
        base = _base.lookup(self.base_models, base_model_name)
        if dialect is not None and dialect != base.language:
            raise InvalidArgumentError(
                f"The dialect '{dialect}' is not supported for base model {base.name}; use '{base.language}'.")
        return self._create_model(owner, name, base_model_name, description)

    def list_language_models(self, owner: str, *, language: Optional[str] = None) -> dict:
        """``{"customizations": [LanguageModel, ...]}``, optionally of one language."""
        return {"customizations": [lm_state.model_json(r) for r in self._list_rows(owner, language)]}

    def get_language_model(self, owner: str, customization_id: str) -> dict:
        return lm_state.model_json(self._fresh_row(owner, customization_id))

    def delete_language_model(self, owner: str, customization_id: str) -> dict:
        """Delete the model and everything in it (409 while an operation runs)."""
        return self._delete_model(owner, customization_id, _delete_contents)

    def reset_language_model(self, owner: str, customization_id: str) -> dict:
        """Remove corpora, grammars, words and the trained model; keep name and base."""
        return self._reset_model(owner, customization_id, _delete_contents)

    def delete_user_data(self, owner: str, customer_id: str) -> dict:
        """Delete all data of ``owner`` labelled with ``customer_id`` (one transaction)."""
        if not isinstance(customer_id, str) or not customer_id:
            raise InvalidArgumentError("customer_id is required")
        self.store.delete_user_data(owner, customer_id)
        return {}


def _delete_contents(tx: Transaction, model_id: str) -> None:
    tx.execute(delete(schema.word_sources).where(schema.word_sources.c.model_id == model_id))
    tx.execute(delete(schema.words).where(schema.words.c.model_id == model_id))
    tx.drop_blobs(schema.blobs.c.model_id == model_id)
    tx.execute(delete(schema.resources).where(schema.resources.c.model_id == model_id))


# -- data labelled with a customer id ------------------------------------------

def _purge_customer(tx: Transaction, owner: str, customer_id: str) -> None:
    r, w, s, m = schema.resources, schema.words, schema.word_sources, schema.models
    touched: dict[str, float] = {}  # model id -> latest update of removed data
    for res in tx.execute(select(r.c.id, r.c.model_id, r.c.updated).where(
            r.c.owner == owner, r.c.customer_id == customer_id, r.c.kind.in_(("corpus", "grammar")))).all():
        tx.execute(delete(s).where(s.c.resource_id == res.id))
        tx.drop_blobs(schema.blobs.c.resource_id == res.id)
        tx.execute(delete(r).where(r.c.id == res.id))
        touched[res.model_id] = max(touched.get(res.model_id, 0.0), res.updated)
    for word in tx.execute(select(w.c.model_id, w.c.word, w.c.updated).where(
            w.c.owner == owner, w.c.customer_id == customer_id, w.c.user.is_(True))).all():
        tx.execute(update(w).where(w.c.model_id == word.model_id, w.c.word == word.word).values(
            user=False, customer_id=None, sounds_like=[], display_as=word.word, mapping_only=None,
            error=None, pronunciations=None, updated=tx.now))
        touched[word.model_id] = max(touched.get(word.model_id, 0.0), word.updated)
    for model_id in touched:
        _drop_unsourced_words(tx, model_id)
    for model_id, latest in touched.items():
        row = tx.execute(select(m).where(m.c.id == model_id, m.c.kind == KIND)).first()
        if row is None:
            continue
        values = {"dirty": True, "failed": False}
        if lm_state.has_artifact(tx.conn, model_id):
            tx.drop_blobs(schema.blobs.c.model_id == model_id, schema.blobs.c.resource_id.is_(None))
            values.update(trained_version=None, error=(
                "Data used to train this model was deleted by a delete_user_data request; "
                "the trained model was removed with it. Train the model again."))
        lm_state.settle(tx, model_id, **values)


def _drop_unsourced_words(tx: Transaction, model_id: str) -> None:
    """Remove words that no corpus, grammar or user definition keeps; words
    left without a user definition get their automatic pronunciation back."""
    w, s = schema.words, schema.word_sources
    sourced = select(s.c.word).where(s.c.model_id == model_id)
    tx.execute(delete(w).where(w.c.model_id == model_id, w.c.user.is_(False), w.c.word.not_in(sourced)))


# -- recovery of abandoned jobs --------------------------------------------------

def _recover_resource_job(tx: Transaction, row, reason: str) -> None:
    from .corpora import analysis_failed_text
    from .grammars import grammar_failed_text

    r = schema.resources
    if row.job_resource:
        res = tx.execute(select(r).where(r.c.id == row.job_resource)).first()
        if res is not None and res.status == "being_processed":
            text = analysis_failed_text(res.name) if res.kind == "corpus" else grammar_failed_text(res.name)
            tx.execute(update(r).where(r.c.id == res.id).values(status="undetermined", error=text,
                                                                 updated=tx.now))
    lm_state.settle(tx, row.id, error=reason)


def _recover_training(tx: Transaction, row, reason: str) -> None:
    lm_state.settle(tx, row.id, error=reason)


for _job in ("corpus", "grammar", "words"):
    register_recovery(KIND, _job, _recover_resource_job)
for _job in ("training", "upgrading"):
    register_recovery(KIND, _job, _recover_training)
register_user_data_purger(_purge_customer)

__all__ = ["CustomLanguageModels", "MAX_MODELS_PER_OWNER"]
