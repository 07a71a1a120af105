"""``transcribe``: many inputs, one record each, on the executor chosen.

The driver expands the inputs, checks the job (options, files, custom model
ids) before any worker starts, skips inputs the output already holds,
feeds the executor a bounded window of inputs, and writes the records in
input order as they complete, so the output of a run is the same whichever
executor made it (timing fields aside).
"""
from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from ..errors import InvalidArgumentError
from .executors import Executor, InProcess, ProcessPool, ThreadPool
from .chunks import CHUNK_SECONDS, SPLIT_SECONDS, merge_chunks, plan
from .inputs import Input, collect_inputs, parse_extensions
from .job import RecognitionJob
from .progress import AudioProgress
from .records import RecordFile, record_key

#: The executors ``transcribe`` knows.
EXECUTORS = ("local", "threads", "dask")
#: Most local workers one call may ask for.
MAX_LOCAL_WORKERS = 256
#: Inputs given to the executor but not yet written, per worker slot: enough
#: to keep every worker busy while an early, long input holds the order back.
WINDOW_PER_SLOT = 4

PathLike = Union[str, "os.PathLike[str]"]
#: Called with every input's record, in input order, and whether it came from
#: an earlier run of the same output (``resumed``).
RecordCallback = Callable[[dict, bool], None]


@dataclass
class BatchSummary:
    """What a batch did.

    Attributes:
        files: inputs in the batch (after duplicates were removed).
        transcribed: inputs transcribed by this run without error.
        resumed: inputs skipped because the output already had their record.
        failed: inputs whose record is an error (this run's and resumed ones).
        audio_seconds: audio transcribed by this run.
        elapsed_seconds: wall time of this run, worker start-up included.
        workers: worker slots the executor ran inputs on.
        executor: ``local``, ``threads`` or ``dask``.
    """

    files: int
    transcribed: int
    resumed: int
    failed: int
    audio_seconds: float
    elapsed_seconds: float
    workers: int
    executor: str

    @property
    def real_time_factor(self) -> Optional[float]:
        """Wall time per second of audio (lower is faster); None without audio."""
        return self.elapsed_seconds / self.audio_seconds if self.audio_seconds > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "real_time_factor": self.real_time_factor}

    def __str__(self) -> str:
        rtf = self.real_time_factor
        speed = f", {1 / rtf:.1f}x real time (RTF {rtf:.3f})" if rtf else ""
        resumed = f", {self.resumed} already done" if self.resumed else ""
        return (f"{self.files} files{resumed}: {self.transcribed} transcribed, {self.failed} failed; "
                f"{self.audio_seconds / 3600:.3f} h of audio in {self.elapsed_seconds:.1f} s{speed} "
                f"on {self.workers} {self.executor} worker{'s' if self.workers != 1 else ''}")


def transcribe(
    inputs: Union[PathLike, Sequence[PathLike]],
    *,
    output: Optional[PathLike] = None,
    executor: str = "local",
    workers: Optional[int] = None,
    scheduler: Any = None,
    extensions: Optional[Iterable[str]] = None,
    retry_failed: bool = False,
    progress: bool = False,
    on_record: Optional[RecordCallback] = None,
    model_dir: Optional[PathLike] = None,
    dictionary: Optional[PathLike] = None,
    language_model: Optional[PathLike] = None,
    grammar: Optional[PathLike] = None,
    content_type: Optional[str] = None,
    language_customization_id: Optional[str] = None,
    customization_weight: Optional[float] = None,
    base_model_name: Optional[str] = None,
    store: Optional[PathLike] = None,
    database_url: Optional[str] = None,
    owner: str = "default",
    split_seconds: float = SPLIT_SECONDS,
    chunk_seconds: float = CHUNK_SECONDS,
    **recognize_options: Any,
) -> BatchSummary:
    """Transcribe many audio inputs, one JSONL record each.

    Args:
        inputs: audio files, directories (searched recursively for
            ``extensions``), manifests (``.tsv``/``.jsonl`` lists of paths)
            or ``-`` for standard input; one or a sequence.
        output: the JSONL file of records (created, or resumed: inputs it
            already holds are skipped, and none is ever written twice).
            None: records only go to ``on_record``.
        executor: ``"local"`` (``workers`` processes; this process when
            ``workers`` is 1), ``"threads"`` (``workers`` threads sharing one
            model) or ``"dask"`` (a ``distributed`` cluster).
        workers: local processes or threads (default: one per CPU), or the
            size of the ``LocalCluster`` started when ``executor="dask"`` has
            no ``scheduler``.
        scheduler: with ``executor="dask"``, a scheduler address or a
            ``distributed.Client``; None starts a ``LocalCluster``.
        extensions: file extensions collected from directories (default:
            the formats :func:`asr_engine.load_audio` reads).
        retry_failed: transcribe again the inputs whose record in ``output``
            is an error (their old records are removed first).
        progress: draw a progress bar (seconds of audio, ETA, speed) on stderr.
        on_record: called as ``on_record(record, resumed)`` for every input,
            in input order.
        model_dir, dictionary, language_model: the model's files (default:
            the en-us model).
        grammar: a grammar file to constrain recognition to.
        content_type: the MIME type of headerless audio.
        language_customization_id: a trained custom language model of
            ``owner`` in the customization store (``store`` directory,
            ``database_url``), resolved by every worker from that store.
        customization_weight: its weight (default: the one it was trained with).
        base_model_name: the base model to use it with (default: its own).
        split_seconds, chunk_seconds: a 16-bit PCM WAV longer than
            ``split_seconds`` is transcribed as tasks of about
            ``chunk_seconds`` of phrases each, merged into its one record
            (the same record as unsplit; see :mod:`asr_engine.batch.chunks`).
        **recognize_options: :meth:`asr_engine.Recognizer.recognize`
            keywords: search options, ``max_alternatives``,
            ``rejection_threshold``, ``speaker_adaptation``.

    Returns:
        A :class:`BatchSummary`.

    Raises:
        InvalidArgumentError, NotFoundError: a bad argument, option or model
            (before any input is transcribed).
        ConflictError: another run is writing ``output``.
        KeyboardInterrupt: the run was interrupted; the records written so
            far stay in ``output`` and a new run resumes from them.
    """
    started = time.monotonic()
    if executor not in EXECUTORS:
        raise InvalidArgumentError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if scheduler is not None and executor != "dask":
        raise InvalidArgumentError("a scheduler is for executor='dask'")
    workers = _check_workers(workers)
    for name, value in (("split_seconds", split_seconds), ("chunk_seconds", chunk_seconds)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise InvalidArgumentError(f"{name} must be a positive number of seconds")
    job = RecognitionJob.create(
        model_dir=model_dir, dictionary=dictionary, language_model=language_model, grammar=grammar,
        content_type=content_type, language_customization_id=language_customization_id,
        customization_weight=customization_weight, base_model_name=base_model_name, store=store,
        database_url=database_url, owner=owner, options=recognize_options)
    names = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    items = _unique(collect_inputs(names, parse_extensions(list(extensions or [])), content_type))
    job = job.checked()

    records = RecordFile(os.fspath(output), retry_failed=retry_failed) if output is not None else None
    try:
        keys = [record_key(i.name) for i in items]
        resumed = [records is not None and k in records for k in keys]
        todo = [i for i, done in enumerate(resumed) if not done]
        # Tasks in input order: a file, or the phrase chunks of a long one ((index, part) keys).
        options = dict(job.options)
        plans = {i: plan(items[i], options, job.content_type, split_seconds, chunk_seconds) for i in todo}
        queue = deque(((i, k), task) for i in todo for k, task in enumerate(plans[i]))
        bar = AudioProgress(sum(items[i].duration or 0.0 for i in todo), "transcribing", progress)
        summary = BatchSummary(len(items), 0, sum(resumed), 0, 0.0, 0.0, 0, executor)
        try:
            with _executor(job, executor, workers, scheduler, len(queue)) as pool:
                summary.workers = pool.slots
                finished: dict[int, dict] = {}  # complete records waiting for their turn
                chunks_in: dict[int, list] = {}  # results of a long file's chunks so far
                running = 0
                for index in range(len(items)):
                    if resumed[index]:
                        record = records.get(keys[index])  # type: ignore[union-attr]
                        summary.failed += "error" in record
                        if on_record is not None:
                            on_record(record, True)
                        continue
                    while index not in finished:  # keep the workers busy, then wait
                        # (every task of this input went in before any later input's,
                        # so with nothing running it is finished)
                        while queue and running + len(finished) < WINDOW_PER_SLOT * pool.slots:
                            key, task = queue.popleft()
                            pool.submit(key, task.read_stdin() if isinstance(task, Input) else task)
                            running += 1
                        (done, part), record = pool.next_done()
                        running -= 1
                        parts = len(plans[done])
                        if parts > 1:
                            got = chunks_in.setdefault(done, [None] * parts)
                            got[part] = record
                            if any(g is None for g in got):
                                continue
                            record = merge_chunks(items[done].name, chunks_in.pop(done), job)
                        finished[done] = record
                        bar.advance(float(record.get("duration") or 0.0), items[done].duration)
                    record = finished.pop(index)
                    if records is not None:
                        records.append(record)
                    if "error" in record:
                        summary.failed += 1
                    else:
                        summary.transcribed += 1
                        summary.audio_seconds += float(record.get("duration") or 0.0)
                    if on_record is not None:
                        on_record(record, False)
        finally:
            bar.close()
    finally:
        if records is not None:
            records.close()
    summary.elapsed_seconds = time.monotonic() - started
    return summary


def _check_workers(workers: Optional[int]) -> int:
    if workers is None or workers == 0:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or not 0 < workers <= MAX_LOCAL_WORKERS:
        raise InvalidArgumentError(f"workers must be from 1 to {MAX_LOCAL_WORKERS} (0 or None: one per CPU)")
    return workers


def _unique(items: list[Input]) -> list[Input]:
    """The inputs without repeats (a file named twice, or found twice, is one input)."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = record_key(item.name)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _executor(job: RecognitionJob, kind: str, workers: int, scheduler: Any, todo: int) -> Executor:
    """The executor for ``todo`` tasks."""
    if todo == 0:  # everything was done by an earlier run: start nothing
        return InProcess(job)
    if kind == "dask":
        from .cluster import DaskCluster

        return DaskCluster(job, scheduler, workers)
    workers = min(workers, max(1, todo))  # no idle processes for a short batch
    if workers == 1:
        return InProcess(job)
    return ProcessPool(job, workers) if kind == "local" else ThreadPool(job, workers)


__all__ = ["BatchSummary", "EXECUTORS", "RecordCallback", "transcribe"]
