"""Command line: ``asr-engine COMMAND ...`` (also ``python -m asr_engine``).

The way to run the engine over many files from a shell. It is the top of the
stack: it may import any part of ``asr_engine``, and nothing imports it.

Commands:
    transcribe INPUT...  transcribe audio files, directories (recursively, files
                         with an ``--ext`` extension), manifests (.tsv, .jsonl)
                         or ``-`` (stdin) with :func:`asr_engine.batch.transcribe`:
                         on ``--jobs`` processes or a Dask cluster (``--dask``),
                         records in ``--output`` (resumable JSONL) and/or
                         printed as ``--format text|json|jsonl|srt|vtt|tsv``;
                         with ``--grammar FILE`` only the grammar's sentences.
    align INPUT...       force-align audio to its transcript (``--text``,
                         ``--transcripts refs.tsv`` or a ``.txt`` beside each file).
    features INPUT...    decode each file and print its duration, format and
                         acoustic features (as the model computes them).

Progress (stderr, on a terminal or with ``--progress``; drawn by tqdm) counts
seconds of audio, with the ETA and the speed in times real time; a batch
ends with a summary line (files, hours, real-time factor, failures). Exit status: 0 when every input succeeded, 1 when any failed or the
command could not run (the message says why), 2 for a malformed command line.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from .. import errors
from . import commands
from .formats import FORMATS
from ..batch import DEFAULT_EXTENSIONS, EXECUTORS


def _version() -> str:
    from .. import __version__, _core

    return f"asr-engine {__version__} (native kernels: {_core.build_info()['kernels']})"


def _add_inputs(p: argparse.ArgumentParser, *, jobs: "bool | str" = True, formats: Sequence[str] = FORMATS) -> None:
    p.add_argument("files", nargs="+", metavar="INPUT",
                   help="audio file, directory (searched recursively) or - for standard input")
    p.add_argument("--ext", action="append", default=[], metavar="EXT[,EXT]",
                   help="extensions collected from directories (default: " + ",".join(DEFAULT_EXTENSIONS) + ")")
    p.add_argument("--content-type", default=None,
                   help="MIME type for headerless audio, e.g. audio/l16;rate=16000")
    p.add_argument("--model", default=None, help="Sphinx acoustic model directory (default: en-us)")
    p.add_argument("--format", choices=formats, default=None,
                   help="what is printed on standard output (default: text; none with --output)")
    p.add_argument("--json", dest="format", action="store_const", const="jsonl", help="same as --format jsonl")
    if jobs:
        p.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                       help=jobs if isinstance(jobs, str) else "threads sharing one model (default 1; 0: one per CPU)")
    p.add_argument("--progress", action="store_true", default=None,
                   help="always show progress (default: on a terminal, for several inputs)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")


def build_parser() -> argparse.ArgumentParser:
    """The ``asr-engine`` argument parser."""
    parser = argparse.ArgumentParser(prog="asr-engine", description="Offline speech recognition engine.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)

    tr = sub.add_parser("transcribe", help="transcribe audio files")
    _add_inputs(tr, jobs="worker processes, each with the model (default 1; 0: one per CPU); "
                         "with --dask and no address, the LocalCluster's size")
    tr.add_argument("--output", "-o", default=None, metavar="FILE.jsonl",
                    help="the JSONL record file, one record per input; a rerun skips the inputs it holds")
    tr.add_argument("--retry-failed", action="store_true",
                    help="with --output: transcribe again the inputs whose record is an error")
    tr.add_argument("--executor", choices=EXECUTORS, default="local",
                    help="local processes (default), threads sharing one model, or a Dask cluster")
    tr.add_argument("--dask", default=None, metavar="ADDRESS",
                    help="run on the Dask scheduler at ADDRESS (tcp://host:8786); 'local' for a LocalCluster")
    tr.add_argument("--language-customization-id", default=None, metavar="ID",
                    help="a trained custom language model in --store")
    tr.add_argument("--customization-weight", type=float, default=None, metavar="W",
                    help="its weight, 0 to 1 (default: the one it was trained with)")
    tr.add_argument("--store", default=None, metavar="DIR",
                    help="the customization store (default: $ASR_ENGINE_HOME)")
    tr.add_argument("--owner", default="default", help="whose custom models (default: default)")
    tr.add_argument("--dictionary", default=None, help="pronunciation dictionary (default: cmudict-en-us)")
    tr.add_argument("--lm", default=None, help="language model: ARPA, Sphinx lm.bin or our binary")
    tr.add_argument("--grammar", default=None, metavar="FILE",
                    help="recognize only sentences of this grammar (SRGS ABNF/XML or JSGF)")
    tr.add_argument("--rejection-threshold", type=float, default=None, metavar="NATS",
                    help="with --grammar: reject audio scoring this far per frame below a free phone loop")
    tr.add_argument("--max-alternatives", type=int, default=1, help="n-best hypotheses in JSON output")
    tr.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="search option, e.g. --option beam=1e-60 (repeatable)")
    tr.set_defaults(func=commands.transcribe)

    al = sub.add_parser("align", help="force-align audio files to their transcripts")
    _add_inputs(al)
    al.add_argument("--dictionary", default=None, help="pronunciation dictionary (default: cmudict-en-us)")
    al.add_argument("--text", default=None, help="the transcript (for a single input)")
    al.add_argument("--transcripts", default=None, metavar="TSV",
                    help="id<TAB>transcript lines; id is the file's path, name or name without extension")
    al.set_defaults(func=commands.align)

    feats = sub.add_parser("features", help="decode audio files and compute their acoustic features")
    _add_inputs(feats, jobs=False, formats=("text", "json", "jsonl"))
    feats.set_defaults(func=commands.features)

    srv = sub.add_parser("serve", help="serve the Watson and Azure interfaces over HTTP and WebSocket")
    from ..server import main as server_main  # argparse only: the server's extra loads when it runs

    server_main.add_arguments(srv)
    srv.set_defaults(func=server_main.serve)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "transcribe" and args.rejection_threshold is None:
        from ..recognizer import DEFAULT_REJECTION_THRESHOLD

        args.rejection_threshold = DEFAULT_REJECTION_THRESHOLD
    try:
        return args.func(args)
    except errors.AsrError as exc:
        commands.report_error(None, exc)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


__all__ = ["build_parser", "main"]
