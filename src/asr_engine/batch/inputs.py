"""What a batch works on: audio files, directories, manifests.

Files are taken as given, whatever their extension; directories are walked
recursively (sorted, hidden entries skipped, symlinked directories not
followed) for files whose extension is one of ``extensions``; a manifest
(a named ``.tsv``, ``.jsonl`` or ``.ndjson`` file, see :func:`read_manifest`)
lists paths, relative ones resolved against the manifest's folder; ``-`` is standard input, read once. Each input knows its
audio duration when the file's header tells it without decoding, so progress
can be reported in seconds of audio.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from ..audio import AudioSource
from ..errors import FormatError, InvalidArgumentError, NotFoundError

#: Extensions collected from directories unless ``--ext`` says otherwise:
#: the containers :func:`asr_engine.load_audio` decodes.
DEFAULT_EXTENSIONS = ("wav", "flac", "ogg", "oga", "opus", "mp3", "au", "snd", "aiff", "aif")

STDIN = "-"
#: Extensions of a named file that make it a manifest (a list of audio paths).
MANIFEST_EXTENSIONS = ("tsv", "jsonl", "ndjson")
#: Columns of a manifest that hold the audio path (the first one found is used).
MANIFEST_PATH_KEYS = ("path", "audio", "audio_filepath", "file")


@dataclass(frozen=True)
class Input:
    """One audio input: ``name`` as reported in records, and where to read it."""

    name: str  #: the path as given or found, or ``-`` for standard input
    path: Optional[str]  #: file to read; None for standard input
    duration: Optional[float]  #: seconds of audio if known without decoding
    data: Optional[bytes] = field(default=None, repr=False, compare=False)  #: stdin's bytes, once read

    def source(self) -> AudioSource:
        """What :func:`asr_engine.load_audio` reads: the path, or stdin's bytes."""
        if self.data is not None:
            return self.data
        if self.path is None:
            return sys.stdin.buffer.read()
        return self.path

    def read_stdin(self) -> "Input":
        """This input with standard input's bytes in it (to send to a worker)."""
        if self.path is not None or self.data is not None:
            return self
        return Input(self.name, None, self.duration, sys.stdin.buffer.read())


def parse_extensions(values: Sequence[str]) -> tuple[str, ...]:
    """``--ext`` values (repeatable, comma-separated, with or without dots) as
    lower-case extensions; the default set when none are given."""
    exts: list[str] = []
    for value in values:
        for part in value.split(","):
            ext = part.strip().lstrip(".").lower()
            if not ext:
                continue
            if os.sep in ext or (os.altsep and os.altsep in ext):
                raise InvalidArgumentError(f"--ext takes file extensions, got {part!r}")
            if ext not in exts:
                exts.append(ext)
    return tuple(exts) if exts else DEFAULT_EXTENSIONS


def collect_inputs(names: Sequence[str], extensions: Iterable[str], content_type: Optional[str] = None) -> list[Input]:
    """Expand names (files, directories, manifests, ``-``) into inputs, in
    the order given.

    Raises:
        InvalidArgumentError: ``-`` named twice, or nothing to work on.
    """
    exts = {e.lower() for e in extensions}
    out: list[Input] = []
    seen_stdin = False
    for name in names:
        if not isinstance(name, (str, os.PathLike)):
            raise InvalidArgumentError(f"inputs must be paths, got {type(name).__name__}")
        name = os.fspath(name)
        if os.path.splitext(name)[1].lstrip(".").lower() in MANIFEST_EXTENSIONS:
            out.extend(Input(p, p, probe_duration(p, content_type)) for p in read_manifest(name))
        elif name == STDIN:
            if seen_stdin:
                raise InvalidArgumentError("standard input ('-') can be named only once")
            seen_stdin = True
            out.append(Input(STDIN, None, None))
        elif os.path.isdir(name):
            found = list(_walk(name, exts))
            out.extend(Input(p, p, probe_duration(p, content_type)) for p in found)
        else:
            # A missing or unreadable file still becomes an input: it gets its
            # own error record when it is read, and the rest of the batch runs.
            out.append(Input(name, name, probe_duration(name, content_type)))
    if not out:
        raise InvalidArgumentError(
            "no audio files found (directories are searched for: " + ", ".join(sorted(exts)) + "; see --ext)")
    return out


def read_manifest(path: str) -> list[str]:
    """The audio paths a manifest lists, in its order.

    * JSONL (``.jsonl``, ``.ndjson``): one object per line with a
      ``path`` (or ``audio``, ``audio_filepath`` as NeMo writes, ``file``) key;
    * TSV (anything else): one path per line, or tab-separated columns with a
      header row naming a ``path`` column (else the first column is the path).

    Blank lines and ``#`` comments are skipped. Relative paths are relative to
    the manifest's directory.

    Raises:
        NotFoundError: the manifest does not exist.
        FormatError: a line that names no path.
    """
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise NotFoundError(f"manifest not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read manifest {path}: {exc}") from None
    base = os.path.dirname(os.path.abspath(path))
    as_json = path.lower().endswith((".jsonl", ".ndjson"))
    column = 0
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if as_json:
            try:
                row = json.loads(line)
            except ValueError:
                raise FormatError(f"{path}, line {number}: not a JSON object") from None
            found = [row[k] for k in MANIFEST_PATH_KEYS if isinstance(row, dict) and isinstance(row.get(k), str)]
            if not found:
                raise FormatError(f"{path}, line {number}: no " + "/".join(MANIFEST_PATH_KEYS) + " key")
            entry = found[0]
        else:
            cols = line.split("\t")
            if not out and number == _first_line(lines) and any(c.strip().lower() in MANIFEST_PATH_KEYS for c in cols):
                column = next(i for i, c in enumerate(cols) if c.strip().lower() in MANIFEST_PATH_KEYS)
                continue
            if column >= len(cols) or not cols[column].strip():
                raise FormatError(f"{path}, line {number}: no path in column {column + 1}")
            entry = cols[column].strip()
        out.append(entry if os.path.isabs(entry) else os.path.join(base, entry))
    return out


def _first_line(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")), 0)


def _walk(top: str, exts: set[str]) -> Iterable[str]:
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith("."):
                continue
            ext = os.path.splitext(f)[1].lstrip(".").lower()
            if ext in exts:
                yield os.path.join(root, f)


def probe_duration(path: str, content_type: Optional[str] = None) -> Optional[float]:
    """Seconds of audio in a file from its header alone, or None if unknown.

    Headerless audio given a ``content_type`` is sized from its length. Only
    a progress estimate: the decoder has the last word on what a file holds.
    """
    try:
        if content_type:
            from ..audio.content_type import parse_content_type

            ctype = parse_content_type(content_type)
            if ctype.kind in ("l16", "mulaw", "alaw"):
                width = 2 if ctype.kind == "l16" else 1
                rate = ctype.int_param("rate")
                channels = ctype.int_param("channels", 1)
                return os.path.getsize(path) / (width * channels * rate) if rate else None
        import soundfile

        info = soundfile.info(path)
        return float(info.frames) / info.samplerate if info.samplerate > 0 and info.frames > 0 else None
    except Exception:  # noqa: BLE001 - any unreadable header just means "unknown"
        return None


__all__ = ["DEFAULT_EXTENSIONS", "MANIFEST_EXTENSIONS", "Input", "collect_inputs", "parse_extensions", "probe_duration",
           "read_manifest"]
