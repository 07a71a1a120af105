"""Batch transcription: many files, one record each, on one machine or many.

:func:`transcribe` takes files, directories and manifests and writes one
JSONL record per input (transcript, words, timing, the model and options
used; a failed input's record carries its error and code). A run can be
interrupted and started again: inputs already in the output are skipped and
no record is ever written twice. Inputs run on a local process pool by
default (``executor="local"``), on threads sharing one model
(``"threads"``), or on a Dask cluster (``"dask"``, the optional
``asr_engine[cluster]`` extra) where each worker builds the model once.
The same call gives the same records on each.

It is a way to run the engine: it may import any layer below it (the
recognizer, the customization store, audio, errors) and ``distributed``;
only the command line (``asr_engine.cli``) imports it.
"""
from .driver import EXECUTORS, BatchSummary, transcribe
from .inputs import DEFAULT_EXTENSIONS, Input, collect_inputs, parse_extensions, read_manifest
from .job import RecognitionJob
from .records import RecordFile, record_key

__all__ = [
    "transcribe",
    "BatchSummary",
    "EXECUTORS",
    "Input",
    "collect_inputs",
    "parse_extensions",
    "read_manifest",
    "DEFAULT_EXTENSIONS",
    "RecognitionJob",
    "RecordFile",
    "record_key",
]
