"""Training and upgrading custom acoustic models (§3.1, §3.3).

``train_acoustic_model`` checks the service's rules in one transaction:
another operation running is 409; less than ``Store.min_acoustic_minutes``
of speech in the valid audio (the service's 10 minutes; the speech the
speech detector counted when each resource was analysed, so the check
reads stored figures and decodes nothing), more than
``Store.max_acoustic_hours``, invalid audio with ``strict=true``, or a
``custom_language_model_id`` that is not ``available`` or is based on
another base model or version are 400 and leave the model ``failed``.
Otherwise the model goes to ``training`` and a background job:

1. transcribes every valid file with the base model (unsupervised), or with
   the named custom language model (lightly supervised: close to forced
   alignment when that model was built from verbatim transcripts), keeping
   only the confident words;
2. estimates MLLR transforms and MAP updates on top
   (:func:`asr_engine.adapt.adapt_acoustic_model`);
3. stores the adapted model directory as one immutable blob (a tar) and
   settles the model ``available`` in the transaction that releases the
   job's lease. A process killed on the way leaves the model as it was
   before (the lease expires or its holder is seen dead; recovery restores
   the prior status with an error saying so); a partial artifact never
   becomes visible.

:meth:`AcousticTrainingMixin.adapted_model` loads a trained model for
recognition (unpacked once into ``<store>/acoustic/``, cached, shared).
"""
from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from typing import Iterator, Optional

from sqlalchemy import select, update

from ..audio import load_audio
from ..errors import InvalidArgumentError
from . import am_state, schema
from .archives import iter_members
from .names import check_guid
from .blobs import process_alive, this_host
from .models import artifact_cache
from .store import JobContext

#: Adapted models kept loaded per service (each a few MB of parameters).
CACHE_SIZE = 8


def _warning_text(names: list[str]) -> str:
    return (f"Analysis of the following audio resources has not completed successfully: [{', '.join(names)}]. "
            "They will be excluded from custom acoustic model training.")


def too_little_text(minutes: float, minimum: float) -> str:
    return (f"The custom model contains less than {minimum:g} minutes of audio that includes speech, not silence "
            f"(it has {minutes:.2f} minutes of speech in its valid audio). Add audio resources and train the "
            "model again.")


def speech_of(details) -> float:
    """Seconds of speech the analysis counted in a resource (its duration
    for one analysed before speech was counted)."""
    info = details or {}
    return float(info["speech"] if "speech" in info else info.get("duration", 0.0))


def too_much_text(hours: float, maximum: float) -> str:
    return (f"The custom model contains more than {maximum:g} hours of audio ({hours:.1f} hours); "
            "delete audio resources and train the model again.")


class AcousticTrainingMixin:
    """``train_acoustic_model``, ``upgrade_acoustic_model`` and loading trained models."""

    def _language_model_for_training(self, owner: str, row, lm_id: Optional[str]) -> Optional[str]:
        """Check the custom language model of lightly supervised training;
        returns the 400 failure text, or None when it can be used."""
        lm_row = self.language_models._fresh_row(owner, lm_id)
        if lm_row.status != "available":
            return (f"The custom language model '{lm_row.id}' is not available (its status is '{lm_row.status}'); "
                    "it must be fully trained before it can be used to train a custom acoustic model.")
        version = self._base(row).version
        if lm_row.base_model_name != row.base_model_name or lm_row.trained_version != version:
            return (f"The custom language model '{lm_row.id}' is based on {lm_row.base_model_name} "
                    f"(version {lm_row.trained_version}) and the custom acoustic model '{row.id}' on "
                    f"{row.base_model_name} (version {version}): both must be based on the same version of "
                    "the same base model.")
        return None

    def train_acoustic_model(self, owner: str, customization_id: str, *,
                             custom_language_model_id: Optional[str] = None,
                             strict: Optional[bool] = None) -> dict:
        """Start training; returns the ``TrainingResponse`` (warnings only with ``strict=false``)."""
        customization_id = check_guid(customization_id)
        lm_id = check_guid(custom_language_model_id, "custom_language_model_id") \
            if custom_language_model_id is not None else None
        strict = True if strict is None else bool(strict)
        failure: Optional[str] = None
        warnings: list[dict] = []
        with self.store.transaction() as tx:
            row = self._idle(tx, owner, customization_id)
            if row.status not in ("pending", "ready", "available", "failed"):
                raise InvalidArgumentError(f"The custom model cannot be trained while it is '{row.status}'.")
            r = schema.resources
            res = list(tx.execute(select(r.c.name, r.c.status, r.c.details).where(
                r.c.model_id == row.id, r.c.kind == "audio").order_by(r.c.created, r.c.name)))
            bad = [x.name for x in res if x.status != "ok"]
            seconds = sum(float((x.details or {}).get("duration", 0.0)) for x in res if x.status == "ok")
            speech = sum(speech_of(x.details) for x in res if x.status == "ok")
            if speech < self.store.min_acoustic_minutes * 60.0:
                failure = too_little_text(speech / 60.0, self.store.min_acoustic_minutes)
            elif seconds > self.store.max_acoustic_hours * 3600.0:
                failure = too_much_text(seconds / 3600.0, self.store.max_acoustic_hours)
            elif bad and strict:
                failure = _warning_text(bad).replace(
                    "They will be excluded from custom acoustic model training.",
                    "Fix or delete them, or train with strict=false to exclude them.")
            elif lm_id is not None:
                failure = self._language_model_for_training(owner, row, lm_id)
            if failure is not None:
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(
                    status="failed", progress=0, failed=True, error=failure, updated=tx.now))
            else:
                warnings = [{"code": "invalid_audio_files", "message": _warning_text(bad)}] if bad else []
                settings = dict(row.settings or {}, custom_language_model_id=lm_id)
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(settings=settings))
                job_id = self._claim(tx, owner, row.id, "training", status="training")
                tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(progress=0))
        if failure is not None:
            raise InvalidArgumentError(failure)
        self.store.run_job(row.id, job_id, "training", lambda ctx: self._train(ctx, upgrade=False),
                           _training_failed)
        return {"warnings": warnings} if warnings else {}

    def upgrade_acoustic_model(self, owner: str, customization_id: str, *,
                               custom_language_model_id: Optional[str] = None, force: Optional[bool] = None) -> dict:
        """Move the model to the current version of its base model (``upgrading``,
        then back to its status), retraining it on its audio."""
        customization_id = check_guid(customization_id)
        lm_id = check_guid(custom_language_model_id, "custom_language_model_id") \
            if custom_language_model_id is not None else None
        with self.store.transaction() as tx:
            row = self._idle(tx, owner, customization_id)
            if row.status not in ("ready", "available"):
                raise InvalidArgumentError(
                    f"The custom model must be 'ready' or 'available' to be upgraded; it is '{row.status}'.")
            trained_with = (row.settings or {}).get("custom_language_model_id")
            if trained_with is not None and lm_id != trained_with:
                raise InvalidArgumentError(
                    f"The custom acoustic model was trained with the custom language model '{trained_with}'; "
                    "pass it as custom_language_model_id (upgrade that model first).")
            if trained_with is None and lm_id is not None:
                raise InvalidArgumentError("The custom acoustic model was not trained with a custom language "
                                           "model; omit custom_language_model_id.")
            current = self._base(row).version
            if row.versions and row.versions[-1] == current and not force:
                raise InvalidArgumentError("No input data modified since last training")
            if lm_id is not None:
                failure = self._language_model_for_training(owner, row, lm_id)
                if failure is not None:
                    raise InvalidArgumentError(failure)
            job_id = self._claim(tx, owner, row.id, "upgrading", status="upgrading")
            tx.execute(update(schema.models).where(schema.models.c.id == row.id).values(progress=0))
        self.store.run_job(row.id, job_id, "upgrading", lambda ctx: self._train(ctx, upgrade=True),
                           _training_failed)
        return {}

    # -- the job --------------------------------------------------------------

    def _training_audio(self, rows, rate: int) -> Iterator[tuple[object, None]]:
        """Each valid file, decoded at ``rate``, one at a time (unsupervised items)."""
        for res, blob in rows:
            raw = self.store.blobs.read(blob)
            info = res.details or {}
            if info.get("archive"):
                for _name, data in iter_members(raw, info["archive"], self._archive_limits()):
                    yield load_audio(data, info.get("contained_content_type"), sample_rate=rate,
                                     max_bytes=None), None
            else:
                yield load_audio(raw, res.content_type, sample_rate=rate, max_bytes=None), None

    def _train(self, ctx: JobContext, *, upgrade: bool) -> None:
        from ..adapt import adapt_acoustic_model

        m, r, b = schema.models, schema.resources, schema.blobs
        with self.store.reading() as conn:
            row = conn.execute(select(m).where(m.c.id == ctx.model_id)).first()
            retrain = not upgrade or am_state.has_artifact(conn, row.id)
            rows = list(conn.execute(select(r, b.c.name.label("blob")).select_from(
                r.join(b, b.c.resource_id == r.c.id)).where(
                r.c.model_id == row.id, r.c.kind == "audio", r.c.status == "ok", b.c.role == "source")
                .order_by(r.c.created, r.c.name)))
        base = self._base(row)
        version = base.version
        new_blob: Optional[tuple[str, int]] = None
        try:
            if retrain:
                recognizer = base.recognizer()
                lm_id = (row.settings or {}).get("custom_language_model_id")
                if lm_id is not None:
                    trained = self.language_models.trained_customization(row.owner, lm_id)
                    if trained.custom_lm() is not None:
                        recognizer = recognizer.customized(trained.custom_lm(), trained.customization_weight)
                items = self._training_audio([(x, x.blob) for x in rows], recognizer.sample_rate)
                adapted = adapt_acoustic_model(recognizer, items)
                adapted.info["base_version"] = version
                adapted.info["custom_language_model_id"] = lm_id
                new_blob = self._write_artifact(adapted)
            with ctx.finish() as tx:
                values = dict(error=None, failed=False)
                if retrain:
                    tx.drop_blobs(b.c.model_id == row.id, b.c.resource_id.is_(None))
                    tx.add_blob(new_blob[0], new_blob[1], row.id, am_state.ARTIFACT_ROLE)
                    values.update(dirty=False, trained_version=version)
                if upgrade and version not in row.versions:
                    values["versions"] = list(row.versions) + [version]
                am_state.settle(tx, row.id, **values)
        except BaseException:
            if new_blob is not None:
                self.store.blobs.delete([new_blob[0]])
            raise

    def _write_artifact(self, adapted) -> tuple[str, int]:
        """The adapted model directory as one tar blob."""
        with tempfile.TemporaryDirectory(dir=self.store.path, prefix=work_prefix()) as tmp:
            directory = os.path.join(tmp, "model")
            adapted.save(directory)
            packed = os.path.join(tmp, "model.tar")
            with tarfile.open(packed, "w") as t:
                for name in sorted(os.listdir(directory)):
                    t.add(os.path.join(directory, name), arcname=name, recursive=False)
            return self.store.blobs.write_file(packed)

    # -- recognition ------------------------------------------------------------

    def adapted_model(self, owner: str, customization_id: str):
        """The trained :class:`~asr_engine.adapt.AdaptedAcousticModel`; 400 if
        the model has never been trained."""
        from ..adapt import AdaptedAcousticModel

        row = self._fresh_row(owner, customization_id)
        with self.store.reading() as conn:
            b = schema.blobs
            found = conn.execute(select(b.c.name).where(b.c.model_id == row.id,
                                                        b.c.role == am_state.ARTIFACT_ROLE)).first()
        if found is None:
            raise InvalidArgumentError(
                f"The custom acoustic model '{row.id}' is not trained (its status is '{row.status}'); "
                "train it before using it for recognition.")
        key = found.name
        cache = artifact_cache(self, "_adapted", CACHE_SIZE)
        model = cache.get(key)
        if model is not None:
            return model
        directory = self.store.path / "acoustic" / key
        if not directory.is_dir():
            directory.parent.mkdir(exist_ok=True)
            tmp = tempfile.mkdtemp(prefix=work_prefix(), dir=directory.parent)
            try:
                with tarfile.open(self.store.blob_path(key)) as t:
                    for member in t.getmembers():  # our own blob, but stay safe
                        if not member.isreg() or "/" in member.name or member.name.startswith("."):
                            raise InvalidArgumentError(f"corrupt acoustic model artifact {key}")
                        with t.extractfile(member) as src, open(os.path.join(tmp, member.name), "wb") as dst:
                            shutil.copyfileobj(src, dst)
                try:
                    os.rename(tmp, directory)
                except OSError:  # another thread or process unpacked it first
                    shutil.rmtree(tmp, ignore_errors=True)
            except FileNotFoundError:  # retrained between our read and now
                shutil.rmtree(tmp, ignore_errors=True)
                return self.adapted_model(owner, customization_id)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        model = AdaptedAcousticModel.load(str(directory))
        model.info["customization_id"] = row.id
        cache.put(key, model)
        _remove_stale(directory.parent, keep=key, referenced=self._artifact_names())
        return model

    def _artifact_names(self) -> set[str]:
        b = schema.blobs
        with self.store.reading() as conn:
            return {x.name for x in conn.execute(select(b.c.name).where(b.c.role == am_state.ARTIFACT_ROLE))}


def work_prefix() -> str:
    """Prefix of a job's scratch directory: names the writer, so a sweep
    can remove what a killed process left (see :func:`sweep_work_dirs`)."""
    return f".work.{this_host()}.{os.getpid()}."


def dead_work_dirs(store) -> list:
    """Scratch directories (training, unpacking) whose writer process is gone."""
    out = []
    for parent in (store.path, store.path / "acoustic"):
        if not parent.is_dir():
            continue
        for entry in parent.iterdir():
            parts = entry.name.split(".")
            if entry.name.startswith(".work.") and len(parts) >= 4 and parts[2] == this_host() \
                    and parts[3].isdigit() and int(parts[3]) != os.getpid() and not process_alive(int(parts[3])):
                out.append(entry)
    return out


def sweep_work_dirs(store) -> int:
    """Remove :func:`dead_work_dirs`; returns how many."""
    found = dead_work_dirs(store)
    for entry in found:
        shutil.rmtree(entry, ignore_errors=True)
    return len(found)


def _remove_stale(parent, keep: str, referenced: set[str]) -> None:
    """Unpacked models whose artifact is gone (retrained, deleted) are removed."""
    for entry in parent.iterdir():
        if entry.name != keep and not entry.name.startswith(".") and entry.name not in referenced:
            shutil.rmtree(entry, ignore_errors=True)


def _training_failed(ctx: JobContext, exc: BaseException) -> None:
    detail = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    with ctx.finish() as tx:
        if ctx.job == "training":
            am_state.settle(tx, ctx.model_id, failed=True, error=f"Training failed: {detail}")
        else:
            am_state.settle(tx, ctx.model_id, error=f"Upgrading failed: {detail}")


__all__ = ["AcousticTrainingMixin", "too_little_text", "too_much_text", "sweep_work_dirs", "dead_work_dirs"]
