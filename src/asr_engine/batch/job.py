"""What every worker of a batch needs: which model, which options.

A :class:`RecognitionJob` is small, plain data (paths, ids, option values),
so it travels to worker processes and to remote Dask workers as it is; each
worker builds its :class:`Transcriber` from it once (:func:`transcriber_for`
keeps one per job and process) and then turns inputs into records. A custom
language model given by id is resolved on the worker from the same store
(directory and, for servers, database URL) that the driver names.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterator, Mapping, Optional

from ..errors import AsrError, InvalidArgumentError, NotFoundError, detached
from .inputs import Input

#: The name a record gives the default model.
DEFAULT_MODEL_NAME = "en-US_BroadbandModel"
#: Arguments of ``Recognizer.recognize`` a job may set besides search options.
CALL_OPTIONS = ("max_alternatives", "rejection_threshold", "speaker_adaptation")


@dataclass(frozen=True)
class RecognitionJob:
    """The model and options of a batch, as plain picklable data.

    Attributes:
        model_dir: Sphinx acoustic model directory (None: the default en-us model).
        dictionary: pronunciation dictionary path (None: the model's default).
        language_model: ARPA / lm.bin / binary LM path (None: the default trigram).
        grammar: a grammar file path (SRGS ABNF/XML or JSGF), compiled once per worker.
        content_type: MIME type for headerless audio (``audio/l16;rate=16000``).
        language_customization_id: a trained custom language model in ``store``.
        customization_weight: its weight (None: the one it was trained with).
        base_model_name: the base model the custom model must be built on.
        store: the customization store's directory (None: ``$ASR_ENGINE_HOME``).
        database_url: the store's database, when it is not ``store/store.db``.
        owner: whose custom models the job may use.
        options: ``Recognizer.recognize`` keywords (search options,
            ``max_alternatives``, ``rejection_threshold``), as sorted pairs.
        model_info: what records say about the model (set by :meth:`checked`).
        narrowband_info: what records of inputs decoded on the narrowband
            model say (set by :meth:`checked` when the job's recognizer picks
            the model by sample rate: the broadband default, or a custom model
            on it).
    """

    model_dir: Optional[str] = None
    dictionary: Optional[str] = None
    language_model: Optional[str] = None
    grammar: Optional[str] = None
    content_type: Optional[str] = None
    language_customization_id: Optional[str] = None
    customization_weight: Optional[float] = None
    base_model_name: Optional[str] = None
    store: Optional[str] = None
    database_url: Optional[str] = None
    owner: str = "default"
    options: tuple = ()
    model_info: tuple = field(default=(), compare=False)
    narrowband_info: tuple = field(default=(), compare=False)

    @classmethod
    def create(cls, *, options: Optional[Mapping[str, Any]] = None, **fields: Any) -> "RecognitionJob":
        """A job from keyword arguments; ``options`` as a mapping."""
        for name in ("model_dir", "dictionary", "language_model", "grammar", "store"):
            value = fields.get(name)
            if value is not None:
                if not isinstance(value, (str, os.PathLike)):
                    raise InvalidArgumentError(f"{name} must be a path, got {type(value).__name__}")
                fields[name] = os.path.abspath(os.fspath(value))
        items = tuple(sorted((options or {}).items()))
        try:
            json.dumps(items)
        except (TypeError, ValueError):
            raise InvalidArgumentError("recognize options must be JSON values (numbers, strings, booleans)") from None
        return cls(options=items, **fields)

    @property
    def key(self) -> str:
        """A digest of the job, naming it in worker caches and Dask plugins."""
        data = json.dumps({k: v for k, v in asdict(self).items() if k not in ("model_info", "narrowband_info")},
                          sort_keys=True, default=str)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def checked(self) -> "RecognitionJob":
        """Check everything that can be checked without loading the model (in
        the driver, before any worker starts); returns the job with its
        ``model_info`` filled in.

        Raises:
            InvalidArgumentError: an unknown option or a bad value.
            NotFoundError: a missing file, or an unknown custom model id.
        """
        from ..audio.content_type import parse_content_type
        from ..search import SearchOptions

        options = dict(self.options)
        search = {k: v for k, v in options.items() if k not in CALL_OPTIONS}
        try:
            SearchOptions().with_overrides(**search).to_native()
        except (TypeError, ValueError) as exc:
            if isinstance(exc, AsrError):
                raise
            raise InvalidArgumentError(f"bad search option value: {exc}") from None
        alternatives = options.get("max_alternatives", 1)
        if isinstance(alternatives, bool) or not isinstance(alternatives, int) or not 1 <= alternatives <= 100:
            raise InvalidArgumentError("max_alternatives must be an integer from 1 to 100")
        parse_content_type(self.content_type)
        if self.grammar is not None:
            from ..grammar import compile_grammar

            if not os.path.isfile(self.grammar):
                raise NotFoundError(f"grammar file not found: {self.grammar}")
            compile_grammar(self.grammar)
        for what, path, directory in (("acoustic model directory", self.model_dir, True),
                                      ("dictionary file", self.dictionary, False),
                                      ("language model file", self.language_model, False)):
            if path is not None and not (os.path.isdir(path) if directory else os.path.isfile(path)):
                raise NotFoundError(f"{what} not found: {path}")
        info: dict[str, Any] = {"name": self.model_dir or DEFAULT_MODEL_NAME}
        if self.language_customization_id is not None:
            if self.model_dir or self.dictionary or self.language_model:
                raise InvalidArgumentError("a language_customization_id brings its own base model; "
                                           "do not give model_dir, dictionary or language_model with it")
            from ..customization.training import check_weight

            weight = check_weight(self.customization_weight)
            with _custom_models(self) as models:
                trained, base = models.resolve_customization(self.owner, self.language_customization_id,
                                                             self.base_model_name)
                info.update(name=base.name, version=base.version,
                            language_customization_id=trained.customization_id,
                            customization_weight=trained.customization_weight if weight is None else weight)
        else:
            from ..customization.base_models import BaseModel

            info["version"] = BaseModel(str(info["name"]), "", 0, self.model_dir, self.dictionary,
                                        self.language_model).version
        if self.grammar is not None:
            info["grammar"] = self.grammar
        narrowband: dict[str, Any] = {}
        if info["name"] == DEFAULT_MODEL_NAME and not (self.model_dir or self.dictionary or self.language_model):
            # The default recognizer (and a custom model on it) sends 8 kHz
            # and band-limited audio to the narrowband model (Recognizer.model_for).
            from ..adapt.narrowband import NARROWBAND_MODEL
            from ..customization.base_models import shared_base_models

            narrowband = {**info, "name": NARROWBAND_MODEL, "version": shared_base_models()[NARROWBAND_MODEL].version}
        return replace(self, model_info=tuple(info.items()), narrowband_info=tuple(narrowband.items()))

    def describe(self, narrowband: bool = False) -> dict[str, Any]:
        """``{"model": ..., "options": ...}``: what every record of this job
        carries; ``narrowband``: of an input decoded on the narrowband model."""
        model = self.narrowband_info if narrowband and self.narrowband_info else self.model_info
        return {"model": dict(model), "options": dict(self.options)}


@contextmanager
def _custom_models(job: RecognitionJob) -> Iterator[Any]:
    """The job's custom language models, on its store opened for the duration."""
    from ..customization import CustomLanguageModels, Store

    store = Store(job.store, database_url=job.database_url, workers=1)
    try:
        yield CustomLanguageModels(store)
    finally:
        store.close()


class Transcriber:
    """One worker's recognizer for a job: built once, then one record per input.

    Thread-safe: the recognizer is shared, every call decodes on its own.
    """

    def __init__(self, job: RecognitionJob) -> None:
        self.job = job
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._described = job.describe()
        self._described_narrowband = job.describe(narrowband=True)
        self._call = dict(job.options)
        self._error: Optional[AsrError] = None
        self._store: Any = None  # a custom model's store, kept open: its trained files are in use
        try:
            self.recognizer = self._build()
        except AsrError as exc:  # every input of the job reports it (a worker must not crash)
            self._error = detached(exc)

    def _build(self):
        from ..recognizer import Recognizer, default_recognizer

        job = self.job
        if job.language_customization_id is not None:
            from ..customization import CustomLanguageModels, Store

            self._store = Store(job.store, database_url=job.database_url, workers=1)
            models = CustomLanguageModels(self._store)
            recognizer = models.customized_recognizer(job.owner, job.language_customization_id,
                                                      base_model_name=job.base_model_name,
                                                      customization_weight=job.customization_weight)
        elif job.model_dir is None and job.dictionary is None and job.language_model is None:
            recognizer = default_recognizer()
        else:
            recognizer = Recognizer(job.model_dir, job.dictionary, job.language_model)
        if job.grammar is not None:
            from ..grammar import compile_grammar

            self._call["grammar"] = compile_grammar(job.grammar)
            recognizer._grammar_model(self._call["grammar"])  # missing words are the job's error, found now
        return recognizer

    def transcribe(self, item: Input) -> dict:
        """The record of one input: its result, the model and options, timing;
        or ``{"file", "error", "code"}`` when it failed (never an exception).
        For a :class:`~asr_engine.batch.chunks.Chunk`, the chunk's phrases
        (:func:`~asr_engine.batch.chunks.decode_chunk`), merged by the driver."""
        if self._error is not None:
            # Not re-raised: each raise of the one stored error would chain
            # another traceback onto it, input after input.
            return error_record(item.name, self._error)
        start, began, cpu = time.perf_counter(), time.time(), time.thread_time()
        try:
            if not isinstance(item, Input):  # a phrase chunk of a long file (see .chunks)
                from .chunks import decode_chunk

                part = decode_chunk(self.recognizer, item, self._call)
                part["timing"] = {"seconds": round(time.perf_counter() - start, 3), "worker": self.worker,
                                  **_timeline(began, cpu)}
                return part
            # Decode on the model recognize() would pick, so the record can name it.
            source = self.recognizer.model_for(item.source(), self.job.content_type,
                                               grammar=self._call.get("grammar"),
                                               speaker_adaptation=bool(self._call.get("speaker_adaptation")))
            result = source.recognize(item.source(), self.job.content_type, **self._call)
            described = self._described if source is self.recognizer else self._described_narrowband
        except AsrError as exc:
            return error_record(item.name, exc)
        except MemoryError:
            return error_record(item.name, AsrError("out of memory while processing this file", 413))
        except Exception as exc:  # noqa: BLE001 - a bug must not lose the rest of a batch
            return error_record(item.name, AsrError(f"internal error: {type(exc).__name__}: {exc}"))
        seconds = time.perf_counter() - start
        record = {"file": item.name, **result.to_dict(), **described}
        duration = float(record.get("duration") or 0.0)
        record["timing"] = {"seconds": round(seconds, 3),
                            "real_time_factor": round(seconds / duration, 4) if duration > 0 else None,
                            "worker": self.worker, **_timeline(began, cpu)}
        return record


def _timeline(began: float, cpu: float) -> dict:
    """When a task started (Unix time) and the CPU seconds its thread used:
    a run's task timeline per worker, and its CPU whatever the machine's load."""
    return {"start": round(began, 3), "cpu_seconds": round(time.thread_time() - cpu, 3)}


def error_record(name: str, exc: AsrError) -> dict:
    """The record of an input that failed: ``{"file", "error", "code"}``."""
    return {"file": name, "error": exc.message, "code": int(exc.code)}


_transcribers: dict[str, Transcriber] = {}
_transcribers_lock = threading.Lock()


def transcriber_for(job: RecognitionJob) -> Transcriber:
    """This process's :class:`Transcriber` for ``job``, built on first use."""
    key = job.key
    with _transcribers_lock:
        found = _transcribers.get(key)
        if found is None:
            found = _transcribers[key] = Transcriber(job)
        return found


__all__ = ["CALL_OPTIONS", "RecognitionJob", "Transcriber", "error_record", "transcriber_for"]
