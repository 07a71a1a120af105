"""Command line: ``asr-engine COMMAND ...`` (also ``python -m asr_engine``).

Commands:
    transcribe FILE... transcribe audio files with the default (or a given)
                       model; text or JSON out, a progress bar on stderr.
    features FILE...   decode each file and print its duration, format and
                       acoustic features (as the model computes them).
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from . import errors
from .audio import load_audio
from .frontend import compute_features, model_feature_options
from .model import default_model_dir


def _features(args: argparse.Namespace) -> int:
    model = args.model or default_model_dir()
    fo, feo = model_feature_options(model)
    status = 0
    for name in args.files:
        try:
            audio = load_audio(name, args.content_type, sample_rate=int(fo.sample_rate))
            feats = compute_features(audio, fo, feo)
        except errors.AsrError as exc:
            print(f"{name}: error {exc.code}: {exc.message}", file=sys.stderr)
            status = 1
            continue
        info = {
            "file": str(name),
            "encoding": audio.encoding,
            "original_rate": audio.original_rate,
            "channels": audio.channels,
            "duration": round(audio.duration, 3),
            "frames": int(feats.shape[0]),
            "feature_dim": int(feats.shape[1]),
            "feature_type": feo.feature_type,
            "c0_mean": round(float(np.mean(feats[:, 0])) if len(feats) else 0.0, 4),
        }
        if args.json:
            print(json.dumps(info))
        else:
            print(
                f"{name}: {info['duration']:.2f} s, {info['encoding']} {audio.original_rate} Hz x{audio.channels}"
                f" -> {info['frames']} frames of {info['feature_dim']} {feo.feature_type} features"
            )
    return status


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal or forced)."""

    def __init__(self, total: float, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled, self.done = max(total, 1e-9), label, enabled, 0.0

    def advance(self, amount: float, note: str = "") -> None:
        self.done += amount
        if not self.enabled:
            return
        frac = min(1.0, self.done / self.total)
        bar = "#" * int(frac * 30)
        sys.stderr.write(f"\r{self.label} [{bar:<30s}] {100 * frac:5.1f}% {note[:40]:<40s}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _parse_option(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise errors.InvalidArgumentError(f"search option must be name=value, got {text!r}")
    name, value = text.split("=", 1)
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    return name.strip(), parsed


def _transcribe(args: argparse.Namespace) -> int:
    from .recognizer import Recognizer

    options = dict(_parse_option(o) for o in args.option)
    recognizer = Recognizer(args.model, args.dictionary, args.lm)
    show = args.progress or (sys.stderr.isatty() and (len(args.files) > 1))
    status = 0
    audios = []
    for name in args.files:
        try:
            audios.append((name, load_audio(name, args.content_type, sample_rate=recognizer.sample_rate)))
        except errors.AsrError as exc:
            print(f"{name}: error {exc.code}: {exc.message}", file=sys.stderr)
            status = 1
    total = sum(a.duration for _, a in audios)
    progress = _Progress(total, "transcribing", show or (sys.stderr.isatty() and total > 60))
    for name, audio in audios:
        try:
            result = recognizer.recognize(audio, max_alternatives=args.max_alternatives, **options)
        except errors.AsrError as exc:
            print(f"{name}: error {exc.code}: {exc.message}", file=sys.stderr)
            status = 1
            continue
        progress.advance(audio.duration, str(name))
        if args.json:
            print(json.dumps({"file": str(name), **result.to_dict()}))
        elif len(args.files) > 1:
            print(f"{name}\t{result.transcript}")
        else:
            print(result.transcript)
    progress.close()
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asr-engine", description="Offline speech recognition engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("transcribe", help="transcribe audio files")
    tr.add_argument("files", nargs="+", help="audio files (WAV, FLAC, Ogg, MP3, ...)")
    tr.add_argument("--json", action="store_true", help="print one JSON result per file")
    tr.add_argument("--content-type", default=None, help="MIME type for headerless audio, e.g. audio/l16;rate=16000")
    tr.add_argument("--model", default=None, help="Sphinx acoustic model directory (default: en-us)")
    tr.add_argument("--dictionary", default=None, help="pronunciation dictionary (default: cmudict-en-us)")
    tr.add_argument("--lm", default=None, help="language model: ARPA, Sphinx lm.bin or our binary")
    tr.add_argument("--max-alternatives", type=int, default=1, help="n-best hypotheses in JSON output")
    tr.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="search option, e.g. --option beam=1e-60 (repeatable)")
    tr.add_argument("--progress", action="store_true", help="always show the progress bar")
    tr.set_defaults(func=_transcribe)
    feats = sub.add_parser("features", help="decode audio files and compute their acoustic features")
    feats.add_argument("files", nargs="+", help="audio files (WAV, FLAC, Ogg, MP3, ...)")
    feats.add_argument("--content-type", default=None, help="MIME type for headerless audio, e.g. audio/l16;rate=16000")
    feats.add_argument("--model", default=None, help="Sphinx model directory (default: the en-us model)")
    feats.add_argument("--json", action="store_true", help="print one JSON object per file")
    feats.set_defaults(func=_features)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except errors.AsrError as exc:
        print(f"error {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
