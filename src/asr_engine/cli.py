"""Command line: ``asr-engine COMMAND ...`` (also ``python -m asr_engine``).

Commands:
    features FILE...   decode each file and print its duration, format and
                       acoustic features (as the default model computes them).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from . import errors
from .audio import load_audio
from .frontend import compute_features, model_feature_options


def default_model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us"


def _features(args: argparse.Namespace) -> int:
    model = Path(args.model) if args.model else default_model_dir()
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asr-engine", description="Offline speech recognition engine.")
    sub = parser.add_subparsers(dest="command", required=True)
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


if __name__ == "__main__":
    sys.exit(main())
