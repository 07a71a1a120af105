"""Training and upgrading custom language models (§2.6).

``train_language_model`` checks the service's rules in one transaction:
another operation running is 409; invalid corpora, grammars or words with
``strict=true``, no valid data, or nothing changed since the last training
(without ``force``) are 400 and leave the model ``failed``. Otherwise the
model goes to ``training`` and a background job builds the trained artifact:

* ``lm`` - the custom n-gram model trained on the corpora's normalised
  sentences (:func:`train_custom_lm`), when there are corpora;
* ``lexicon`` - JSON with the words (pronunciations, ``display_as``), the
  grammars' sources, the ``customization_weight`` and the base version.

Artifacts are immutable blobs; recognition loads them through
:meth:`TrainingMixin.trained_customization`. ``upgrade_language_model``
re-trains a trained model on the current base model and adds its version.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select, update

from ..errors import InvalidArgumentError, NotFoundError
from . import lm_state, schema
from .models import artifact_cache
from .names import check_guid
from .store import JobContext

#: ``customization_weight`` when neither the request nor the training gave one
#: (the service's default for previous-generation models).
DEFAULT_CUSTOMIZATION_WEIGHT = 0.3
WORD_TYPES_TO_ADD = ("all", "user")


def check_weight(weight) -> Optional[float]:
    """``None`` or a float in [0, 1]; 400 otherwise."""
    if weight is None:
        return None
    try:
        value = float(weight)
    except (TypeError, ValueError):
        value = float("nan")
    if isinstance(weight, bool) or math.isnan(value) or not 0.0 <= value <= 1.0:
        raise InvalidArgumentError(f"The customization_weight must be a number from 0.0 to 1.0, not {weight!r}.")
    return value


def _warning_text(kind: str, names: list[str]) -> str:
    return (f"Analysis of the following {kind} has not completed successfully: [{', '.join(names)}]. "
            "They will be excluded from custom language model training.")


@dataclass(eq=False)
class TrainedCustomization:
    """What recognition needs from a trained custom language model."""

    customization_id: str
    base_model_name: str
    base_version: str
    lm_path: Optional[str]  #: the custom n-gram model (None: no corpora)
    words: dict  #: {word: [pronunciation, ...]} (empty list: base pronunciations)
    display_as: dict  #: {word: spelling in transcripts}
    grammars: dict  #: {name: (media type, source text)}
    customization_weight: float
    key: str = ""  #: changes whenever the model is retrained
    _custom_lm: object = field(default=None, repr=False)
    _compiled: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def custom_lm(self):
        """The custom language model, loaded once."""
        with self._lock:
            if self._custom_lm is None and self.lm_path is not None:
                self._custom_lm = load_custom_lm(self.lm_path)
            return self._custom_lm

    def grammar(self, name: str):
        """The trained grammar ``name``, compiled once; 404 if the model has none by that name."""
        from ..grammar import compile_grammar

        if name not in self.grammars:
            raise NotFoundError(f"The grammar '{name}' is not part of the trained custom model "
                                f"'{self.customization_id}' (add it and train the model).")
        with self._lock:
            if name not in self._compiled:
                media, text = self.grammars[name]
                self._compiled[name] = compile_grammar(text, media)
            return self._compiled[name]


def train_custom_lm_file(sentences: list[str], words: dict[str, list[str]], display_as: dict[str, str],
                         base, path: str) -> None:
    """Train the engine's :class:`~asr_engine.lm.CustomLanguageModel` on the
    normalised sentences and words, against the base LM, and save it to ``path``."""
    from ..lm import CustomLanguageModel, CustomWord

    custom_words = {}
    for word, prons in words.items():
        token = word.lower()
        shown = display_as.get(word, word if word != token else None)
        custom_words[token] = CustomWord(token, list(prons), shown)
    CustomLanguageModel.train(sentences, custom_words, base=base).save(path)


def load_custom_lm(path: str):
    from ..lm import CustomLanguageModel

    return CustomLanguageModel.load(path)


class TrainingMixin:
    """``train_language_model``, ``upgrade_language_model`` and loading trained models."""

    def train_language_model(self, owner: str, customization_id: str, *, word_type_to_add: Optional[str] = None,
                             customization_weight: Optional[float] = None, strict: Optional[bool] = None,
                             force: Optional[bool] = None) -> dict:
        """Start training; returns the ``TrainingResponse`` (warnings only with ``strict=false``)."""
        customization_id = check_guid(customization_id)
        word_type = word_type_to_add or "all"
        if word_type not in WORD_TYPES_TO_ADD:
            raise InvalidArgumentError(f"Invalid value '{word_type}' for word_type_to_add; use 'all' or 'user'.")
        weight = check_weight(customization_weight)
        strict = True if strict is None else bool(strict)
        force = bool(force)
        failure: Optional[str] = None
        warnings: list[dict] = []
        with self.store.transaction() as tx:
            row = self._idle(tx, owner, customization_id)
            if row.status not in ("pending", "ready", "available", "failed"):
                raise InvalidArgumentError(f"The custom model cannot be trained while it is '{row.status}'.")
            r, w = schema.resources, schema.words
            res = list(tx.execute(select(r.c.name, r.c.kind, r.c.status).where(r.c.model_id == row.id)
                                  .order_by(r.c.created, r.c.name)))
            bad_words = [x.word for x in tx.execute(select(w.c.word).where(
                w.c.model_id == row.id, w.c.error.is_not(None)).order_by(w.c.word))]
            bad = {"corpora": [x.name for x in res if x.kind == "corpus" and x.status != "analyzed"],
                   "grammars": [x.name for x in res if x.kind == "grammar" and x.status != "analyzed"],
                   "words": bad_words}
            codes = {"corpora": "invalid_corpus_files", "grammars": "invalid_grammar_files", "words": "invalid_words"}
            if not lm_state.has_valid_data(tx.conn, row.id):
                failure = "No input data: add valid corpora, grammars or words to the model before training it."
            elif any(bad.values()) and strict:
                failure = " ".join(_warning_text(k, v) for k, v in bad.items() if v).replace(
                    "They will be excluded from custom language model training.",
                    "Fix or delete them, or train with strict=false to exclude them.")
            elif not row.dirty and lm_state.has_artifact(tx.conn, row.id) and not force:
                failure = "No input data modified since last training"
            if failure is not None:
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(
                    status="failed", progress=0, failed=True, error=failure, updated=tx.now))
            else:
                warnings = [{"code": codes[k], "message": _warning_text(k, v)} for k, v in bad.items() if v]
                settings = dict(row.settings or {})
                if weight is not None:
                    settings["customization_weight"] = weight
                settings["word_type_to_add"] = word_type
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(settings=settings))
                job_id = self._claim(tx, owner, row.id, "training", status="training")
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(progress=0))
        if failure is not None:
            raise InvalidArgumentError(failure)
        self.store.run_job(row.id, job_id, "training", lambda ctx: self._train(ctx, upgrade=False),
                           _training_failed)
        return {"warnings": warnings} if warnings else {}

    def upgrade_language_model(self, owner: str, customization_id: str) -> dict:
        """Move the model to the current version of its base model (``upgrading``,
        then back to its status); nothing to do if it is already there."""
        customization_id = check_guid(customization_id)
        with self.store.transaction() as tx:
            row = self._idle(tx, owner, customization_id)
            if row.status not in ("ready", "available"):
                raise InvalidArgumentError(
                    f"The custom model must be 'ready' or 'available' to be upgraded; it is '{row.status}'.")
            current = self._base(row).version
            if row.versions and row.versions[-1] == current:
                return {}
            job_id = self._claim(tx, owner, row.id, "upgrading", status="upgrading")
            tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(progress=0))
        self.store.run_job(row.id, job_id, "upgrading", lambda ctx: self._train(ctx, upgrade=True),
                           _training_failed)
        return {}

    # -- the job --------------------------------------------------------------

    def _train(self, ctx: JobContext, *, upgrade: bool) -> None:
        m, r, w, b = schema.models, schema.resources, schema.words, schema.blobs
        with self.store.reading() as conn:
            row = conn.execute(select(m).where(m.c.id == ctx.model_id)).first()
            retrain = not upgrade or (lm_state.has_artifact(conn, row.id) and not row.dirty)
            corpora = [x.name for x in conn.execute(
                select(b.c.name).select_from(b.join(r, r.c.id == b.c.resource_id)).where(
                    b.c.model_id == row.id, b.c.role == "analysis", r.c.kind == "corpus",
                    r.c.status == "analyzed").order_by(r.c.created))]
            grammars = [(x.id, x.name, x.content_type) for x in conn.execute(select(r).where(
                r.c.model_id == row.id, r.c.kind == "grammar", r.c.status == "analyzed"))]
            grammar_blobs = {x.resource_id: x.name for x in conn.execute(select(b).where(
                b.c.model_id == row.id, b.c.role == "source"))}
            words = list(conn.execute(select(w).where(w.c.model_id == row.id, w.c.error.is_(None))))
        base = self._base(row)
        version = base.version
        new_blobs: list[tuple[str, int, str]] = []
        try:
            if retrain:
                settings = row.settings or {}
                if settings.get("word_type_to_add") == "user":
                    words = [x for x in words if x.user]
                pronouncer = self._pronouncer(base)
                lexicon_words, display = {}, {}
                for x in words:
                    prons = x.pronunciations
                    if prons is None:
                        prons = pronouncer.pronunciations(x.word, x.sounds_like)
                    lexicon_words[x.word] = list(prons)
                    if x.display_as and x.display_as != x.word:
                        display[x.word] = x.display_as
                sentences: list[str] = []
                for name in corpora:
                    sentences.extend(self.store.blobs.read(name).decode("utf-8").splitlines())
                with tempfile.TemporaryDirectory(dir=self.store.path) as tmp:
                    path = os.path.join(tmp, "custom.lm")
                    train_custom_lm_file(sentences, lexicon_words, display, base.language_model_object(), path)
                    name, size = self.store.blobs.write_file(path)
                new_blobs.append((name, size, "lm"))
                lexicon = {
                    "format": "asr_engine.custom_language_model/1",
                    "base_model_name": row.base_model_name, "base_version": version,
                    "words": lexicon_words, "display_as": display,
                    "grammars": {gname: [ctype, self.store.blobs.read(grammar_blobs[gid]).decode("utf-8-sig")]
                                 for gid, gname, ctype in grammars if gid in grammar_blobs},
                    "customization_weight": settings.get("customization_weight"),
                }
                name, size = self.store.write_blob(json.dumps(lexicon, ensure_ascii=False).encode("utf-8"))
                new_blobs.append((name, size, "lexicon"))
            with ctx.finish() as tx:
                values = dict(error=None, failed=False)
                if retrain:
                    tx.drop_blobs(b.c.model_id == row.id, b.c.resource_id.is_(None))
                    for name, size, role in new_blobs:
                        tx.add_blob(name, size, row.id, role)
                    values.update(dirty=False, trained_version=version)
                if upgrade and version not in row.versions:
                    values["versions"] = list(row.versions) + [version]
                lm_state.settle(tx, row.id, **values)
        except BaseException:
            self.store.blobs.delete([n for n, _s, _r in new_blobs])
            raise

    # -- recognition ------------------------------------------------------------

    def trained_customization(self, owner: str, customization_id: str) -> TrainedCustomization:
        """The model's trained artifact; 400 if it has never been trained."""
        row = self._fresh_row(owner, customization_id)
        with self.store.reading() as conn:
            b = schema.blobs
            blobs = {x.role: x.name for x in conn.execute(select(b.c.role, b.c.name).where(
                b.c.model_id == row.id, b.c.resource_id.is_(None)))}
        if "lexicon" not in blobs:
            raise InvalidArgumentError(
                f"The custom language model '{row.id}' is not trained (its status is '{row.status}'); "
                "train it before using it for recognition.")
        key = blobs["lexicon"]
        cache = artifact_cache(self, "_trained", 16)
        found = cache.get(key)
        if found is not None:
            return found
        try:
            lexicon = json.loads(self.store.blobs.read(key))
        except FileNotFoundError:  # retrained between our read and now
            return self.trained_customization(owner, customization_id)
        weight = lexicon.get("customization_weight")
        trained = TrainedCustomization(
            row.id, lexicon["base_model_name"], lexicon["base_version"],
            str(self.store.blob_path(blobs["lm"])) if "lm" in blobs else None,
            lexicon["words"], lexicon["display_as"],
            {k: tuple(v) for k, v in lexicon["grammars"].items()},
            DEFAULT_CUSTOMIZATION_WEIGHT if weight is None else float(weight), key)
        trained.custom_lm()  # load now, while the file certainly exists
        cache.put(key, trained)
        return trained

    def resolve_customization(self, owner: str, customization_id: str, base_model_name: Optional[str] = None):
        """``(trained, base)``: the trained model ``customization_id`` and the
        base model it is used with (``base_model_name``, default its own).

        Raises:
            NotFoundError: an unknown id or base model (404).
            InvalidArgumentError: an untrained model, or a base model other
                than the one the custom model is built on (400).
        """
        from .base_models import lookup

        trained = self.trained_customization(owner, customization_id)
        base = lookup(self.base_models, base_model_name or trained.base_model_name)
        if base.name != trained.base_model_name:
            raise InvalidArgumentError(
                f"The custom language model '{trained.customization_id}' is based on {trained.base_model_name}; "
                f"it cannot be used with {base.name}.")
        return trained, base

    def customized_recognizer(self, owner: str, customization_id: str, *, base_model_name: Optional[str] = None,
                              customization_weight: Optional[float] = None):
        """The base model's :class:`~asr_engine.Recognizer` customized by the
        trained model ``customization_id`` at ``customization_weight`` (None:
        the weight it was trained with); what a batch worker resolves an id
        to. Errors as :meth:`resolve_customization`, and 400 for a bad weight.
        """
        trained, base = self.resolve_customization(owner, customization_id, base_model_name)
        weight = check_weight(customization_weight)
        return base.recognizer().customized(trained.custom_lm(),
                                            trained.customization_weight if weight is None else weight)


def _training_failed(ctx: JobContext, exc: BaseException) -> None:
    detail = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    with ctx.finish() as tx:
        if ctx.job == "training":
            lm_state.settle(tx, ctx.model_id, failed=True, error=f"Training failed: {detail}")
        else:
            lm_state.settle(tx, ctx.model_id, error=f"Upgrading failed: {detail}")


__all__ = ["TrainingMixin", "TrainedCustomization", "DEFAULT_CUSTOMIZATION_WEIGHT", "check_weight"]
