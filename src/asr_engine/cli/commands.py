"""The batch commands: ``transcribe``, ``align`` and ``features``.

``transcribe`` is :func:`asr_engine.batch.transcribe` (``--jobs`` worker
processes, or a Dask cluster with ``--dask``; ``--output`` is its resumable
JSONL record file) with records also printed in ``--format``. ``align``
and ``features`` check everything they were given — formats, transcripts,
the list of inputs — and only then load the model, once, and share it
between ``--jobs`` threads. Every input gets an
outcome: its record, or its own error (a failed file never stops the batch).
The exit status is 0 when every input succeeded and 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Optional

import numpy as np

from .. import errors
from ..audio import load_audio
from ..audio.content_type import parse_content_type
from ..batch.inputs import Input, collect_inputs, parse_extensions
from ..batch.progress import AudioProgress
from .formats import make_writer
from .runner import Outcome, Task, run_ordered

#: Most threads ``--jobs`` may ask for; 0 means one per CPU.
MAX_JOBS = 64


def transcribe(args: argparse.Namespace) -> int:
    """``asr-engine transcribe``: a thin layer over :func:`asr_engine.batch.transcribe`."""
    from ..batch import transcribe as run_batch

    options = dict(parse_option(o) for o in args.option)
    if not 1 <= args.max_alternatives <= 100:
        raise errors.InvalidArgumentError("--max-alternatives must be from 1 to 100")
    options["max_alternatives"] = args.max_alternatives
    if args.grammar is not None:
        options["rejection_threshold"] = args.rejection_threshold
    jobs = _jobs(args)
    executor = "dask" if args.dask else args.executor
    fmt = args.format or ("text" if args.output is None else None)
    several = len(args.files) > 1 or any(os.path.isdir(f) or f.endswith((".tsv", ".jsonl", ".ndjson"))
                                         for f in args.files)
    writer = make_writer(fmt, "transcribe", several) if fmt else None
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and several)

    def on_record(record: dict, resumed: bool) -> None:
        if "error" in record:
            if not resumed:
                _stderr(f"{record['file']}: error {record['code']}: {record['error']}")
            if writer is not None:
                writer.error(record["file"], errors.AsrError(record["error"], record["code"]))
        elif writer is not None:
            writer.record(record)

    if writer is not None:
        writer.begin()
    try:
        summary = run_batch(
            args.files, output=args.output, executor=executor, workers=jobs,
            scheduler=args.dask if args.dask and args.dask != "local" else None,
            extensions=parse_extensions(args.ext), retry_failed=args.retry_failed, progress=show,
            on_record=on_record, model_dir=args.model, dictionary=args.dictionary, language_model=args.lm,
            grammar=args.grammar, content_type=args.content_type,
            language_customization_id=args.language_customization_id,
            customization_weight=args.customization_weight, store=args.store, owner=args.owner, **options)
    finally:
        if writer is not None:
            writer.end()
    if several or args.output is not None:
        _stderr(str(summary))
    return 1 if summary.failed else 0


def align(args: argparse.Namespace) -> int:
    inputs, jobs = _prepare(args)
    if args.text is not None and (len(inputs) != 1 or args.transcripts):
        raise errors.InvalidArgumentError("--text gives the transcript of a single input; use --transcripts for many")
    table = read_transcripts(args.transcripts) if args.transcripts else None

    def transcript_of(item: Input) -> str:
        if args.text is not None:
            return args.text
        if table is not None:
            for key in _transcript_keys(item.name):
                if key in table:
                    return table[key]
            raise errors.NotFoundError(f"no transcript for {item.name} in {args.transcripts}")
        if item.path is None:
            raise errors.InvalidArgumentError("audio from standard input needs --text")
        for ext in (".txt", ".lab"):
            side = os.path.splitext(item.path)[0] + ext
            if os.path.isfile(side):
                with open(side, encoding="utf-8") as f:
                    return f.read()
        raise errors.NotFoundError(f"no transcript for {item.name}: give --text, --transcripts or a "
                                   f"{os.path.splitext(item.name)[0]}.txt beside it")

    from ..align import ForcedAligner
    from ..frontend import model_feature_options

    aligner = ForcedAligner(args.model, args.dictionary)
    rate = int(model_feature_options(aligner.model.path)[0].sample_rate)

    def task(item: Input) -> tuple[dict, float]:
        text = transcript_of(item)
        audio = load_audio(item.source(), args.content_type, sample_rate=rate)
        return aligner.align(audio, text).to_dict(), audio.duration

    return _run(args, "align", "aligning", task, inputs, jobs)


def features(args: argparse.Namespace) -> int:
    from ..frontend import compute_features, model_feature_options
    from ..model import default_model_dir

    inputs, jobs = _prepare(args)
    fo, feo = model_feature_options(args.model or default_model_dir())
    status = 0
    for item in inputs:
        try:
            audio = load_audio(item.source(), args.content_type, sample_rate=int(fo.sample_rate))
            feats = compute_features(audio, fo, feo)
        except errors.AsrError as exc:
            report_error(item.name, exc)
            status = 1
            continue
        info = {
            "file": item.name,
            "encoding": audio.encoding,
            "original_rate": audio.original_rate,
            "channels": audio.channels,
            "duration": round(audio.duration, 3),
            "frames": int(feats.shape[0]),
            "feature_dim": int(feats.shape[1]),
            "feature_type": feo.feature_type,
            "c0_mean": round(float(np.mean(feats[:, 0])) if len(feats) else 0.0, 4),
        }
        if args.format in ("json", "jsonl"):
            print(json.dumps(info))
        else:
            print(f"{item.name}: {info['duration']:.2f} s, {audio.encoding} {audio.original_rate} Hz "
                  f"x{audio.channels} -> {info['frames']} frames of {info['feature_dim']} {feo.feature_type} features")
    return status


def parse_option(text: str) -> tuple[str, object]:
    """``name=value`` from ``--option``; the value is JSON if it parses as JSON."""
    if "=" not in text:
        raise errors.InvalidArgumentError(f"search option must be name=value, got {text!r}")
    name, value = text.split("=", 1)
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    return name.strip(), parsed


def read_transcripts(path: str) -> dict[str, str]:
    """``id<TAB>transcript[<TAB>...]`` lines (as ``refs.tsv``); a first row
    whose first column is ``id`` or ``file`` is a header."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise errors.NotFoundError(f"transcripts file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.FormatError(f"cannot read transcripts file {path}: {exc}") from None
    table: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise errors.FormatError(f"{path}, line {number}: expected id<TAB>transcript")
        if number == 1 and cols[0].strip().lower() in ("id", "file"):
            continue
        table[cols[0].strip()] = cols[1].strip()
    return table


def _transcript_keys(name: str) -> list[str]:
    base = os.path.basename(name)
    return [name, base, os.path.splitext(base)[0]]


def _jobs(args: argparse.Namespace) -> int:
    """``--jobs``, checked; 0 is one per CPU."""
    jobs = getattr(args, "jobs", 1)
    if not 0 <= jobs <= MAX_JOBS:
        raise errors.InvalidArgumentError(f"--jobs must be from 0 (one per CPU) to {MAX_JOBS}")
    if jobs == 0:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return jobs


def _prepare(args: argparse.Namespace) -> tuple[list[Input], int]:
    """Checks shared by ``align`` and ``features``; returns the inputs and the thread count."""
    parse_content_type(args.content_type)
    jobs = _jobs(args)
    inputs = collect_inputs(args.files, parse_extensions(args.ext), args.content_type)
    return inputs, jobs


def _run(args: argparse.Namespace, command: str, label: str, task: Task, inputs: list[Input], jobs: int) -> int:
    writer = make_writer(args.format or "text", command, several=len(inputs) > 1)
    total = sum(i.duration or 0.0 for i in inputs)
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and len(inputs) > 1)
    progress = AudioProgress(total, label, show, sys.stderr)
    status = 0
    writer.begin()
    try:
        for outcome in run_ordered(task, inputs, jobs):
            status |= _emit(outcome, writer)
            progress.advance(outcome.seconds, outcome.input.duration)
    finally:
        writer.end()
        progress.close()
    return status


def _emit(outcome: Outcome, writer) -> int:
    if outcome.error is not None:
        _stderr(f"{outcome.input.name}: error {outcome.error.code}: {outcome.error.message}")
        writer.error(outcome.input.name, outcome.error)
        return 1
    writer.record(outcome.record)
    return 0


def _stderr(text: str) -> None:
    """A line on stderr that does not break a progress bar."""
    from tqdm import tqdm

    tqdm.write(text, file=sys.stderr)


def report_error(name: Optional[str], exc: errors.AsrError) -> None:
    """``name: error CODE: message`` on stderr."""
    prefix = f"{name}: " if name else ""
    print(f"{prefix}error {exc.code}: {exc.message}", file=sys.stderr)


__all__ = ["align", "features", "parse_option", "read_transcripts", "report_error", "transcribe"]
