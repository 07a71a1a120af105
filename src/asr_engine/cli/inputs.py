"""What a batch command works on: the audio inputs named on the command line.

Files are taken as given, whatever their extension; directories are walked
recursively (sorted, hidden entries skipped, symlinked directories not
followed) for files whose extension is one of ``--ext``; ``-`` is standard
input, read once. Each input knows its audio duration when the file's header
tells it without decoding, so progress can be reported in seconds of audio.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from ..audio import AudioSource
from ..errors import InvalidArgumentError

#: Extensions collected from directories unless ``--ext`` says otherwise:
#: the containers :func:`asr_engine.load_audio` decodes.
DEFAULT_EXTENSIONS = ("wav", "flac", "ogg", "oga", "opus", "mp3", "au", "snd", "aiff", "aif")

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One audio input: ``name`` as reported in records, and where to read it."""

    name: str  #: the path as given or found, or ``-`` for standard input
    path: Optional[str]  #: file to read; None for standard input
    duration: Optional[float]  #: seconds of audio if known without decoding

    def source(self) -> AudioSource:
        """What :func:`asr_engine.load_audio` reads: the path, or stdin's bytes."""
        if self.path is None:
            return sys.stdin.buffer.read()
        return self.path


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
    """Expand command-line names into inputs, in the order given.

    Raises:
        InvalidArgumentError: ``-`` named twice, or nothing to work on.
    """
    exts = {e.lower() for e in extensions}
    out: list[Input] = []
    seen_stdin = False
    for name in names:
        if name == STDIN:
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


__all__ = ["DEFAULT_EXTENSIONS", "Input", "collect_inputs", "parse_extensions", "probe_duration"]
