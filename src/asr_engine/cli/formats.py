"""Output formats of the batch commands: text, json, jsonl, srt, vtt, tsv.

Every writer works from a command's JSON record (``Result.to_dict()`` or an
alignment, plus ``"file"``), so what the formats show cannot drift from what
the API returns. Records are written in input order as they complete.

* ``text`` (or ``txt``) — the transcript (prefixed by ``file<TAB>`` when there are several
  inputs); long audio (over 2 minutes) gives one ``start end transcript`` line per
  phrase (under a ``==> file <==`` line when there are several inputs); for
  ``align``, one ``start end word`` line per word. JSON records carry the
  phrase list (``phrases``).
* ``json`` — one JSON array of all records; ``jsonl`` — one record per line.
  A file that failed gives ``{"file", "error", "code"}`` in its place.
* ``srt`` / ``vtt`` — subtitles: words grouped into cues at pauses, at 84
  characters (two lines of 42) or at 7 seconds. With several inputs each
  file's document is introduced by a ``==> file <==`` line, as ``head`` does.
* ``tsv`` — a header row, then one row per file (``transcribe``) or per word
  (``align``); tabs, newlines and backslashes in fields are escaped.

Failed files are also reported on stderr; in formats other than json/jsonl
that is the only place they appear.
"""
from __future__ import annotations

import json
import sys
from typing import Optional, TextIO

from ..errors import AsrError
from ..long_audio import LONG_AUDIO_SECONDS

FORMATS = ("text", "txt", "json", "jsonl", "srt", "vtt", "tsv")

#: Subtitle cue limits (the usual broadcast guidance: two lines of 42
#: characters, at most 7 seconds on screen); a pause this long starts a cue.
CUE_LINE_CHARS = 42
CUE_MAX_SECONDS = 7.0
CUE_PAUSE_SECONDS = 0.6


class Writer:
    """Writes records of one command to ``out``; subclasses per format."""

    def __init__(self, out: TextIO, command: str, several: bool) -> None:
        self.out = out
        self.command = command  # "transcribe" or "align"
        self.several = several  # more than one input: say which file a line is from

    def begin(self) -> None:
        """Before the first record."""

    def record(self, record: dict) -> None:
        """One input's successful result (a JSON-ready dict with ``"file"``)."""
        raise NotImplementedError

    def error(self, name: str, exc: AsrError) -> None:
        """One input failed (already reported on stderr)."""

    def end(self) -> None:
        """After the last record."""
        self.out.flush()


class TextWriter(Writer):
    def record(self, record: dict) -> None:
        if self.command == "align":
            self._header(record["file"])
            for w in _spoken(record):
                self.out.write(f"{w['start']:.2f} {w['end']:.2f} {w['word']}\n")
        elif len(record.get("phrases") or []) > 1 and record.get("duration", 0.0) > LONG_AUDIO_SECONDS:
            # Long audio: one ``start end transcript`` line per phrase.
            self._header(record["file"])
            for p in record["phrases"]:
                if p["transcript"]:
                    self.out.write(f"{p['start']:.2f} {p['end']:.2f} {p['transcript']}\n")
        elif self.several:
            self.out.write(f"{record['file']}\t{record['transcript']}\n")
        else:
            self.out.write(record["transcript"] + "\n")

    def _header(self, name: str) -> None:
        if self.several:
            self.out.write(f"==> {name} <==\n")


class JsonLinesWriter(Writer):
    def record(self, record: dict) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()

    def error(self, name: str, exc: AsrError) -> None:
        self.record({"file": name, "error": exc.message, "code": exc.code})


class JsonWriter(Writer):
    def begin(self) -> None:
        self._first = True
        self.out.write("[")

    def record(self, record: dict) -> None:
        self.out.write(("\n" if self._first else ",\n") + json.dumps(record, ensure_ascii=False))
        self._first = False

    def error(self, name: str, exc: AsrError) -> None:
        self.record({"file": name, "error": exc.message, "code": exc.code})

    def end(self) -> None:
        self.out.write("\n]\n" if not self._first else "]\n")
        self.out.flush()


class SubtitleWriter(Writer):
    vtt = False

    def begin(self) -> None:
        self._documents = 0

    def record(self, record: dict) -> None:
        if self.several:
            self.out.write(("\n" if self._documents else "") + f"==> {record['file']} <==\n")
        self._documents += 1
        if self.vtt:
            self.out.write("WEBVTT\n\n")
        for i, (start, end, text) in enumerate(subtitle_cues(_spoken(record)), 1):
            if not self.vtt:
                self.out.write(f"{i}\n")
            self.out.write(f"{_timestamp(start, self.vtt)} --> {_timestamp(end, self.vtt)}\n{text}\n\n")


class VttWriter(SubtitleWriter):
    vtt = True


class TsvWriter(Writer):
    def begin(self) -> None:
        columns = ("file", "word", "start", "end", "score") if self.command == "align" else (
            "file", "duration", "confidence", "transcript")
        self.out.write("\t".join(columns) + "\n")

    def record(self, record: dict) -> None:
        name = _tsv_field(record["file"])
        if self.command == "align":
            for w in _spoken(record):
                self.out.write(f"{name}\t{_tsv_field(w['word'])}\t{w['start']:.3f}\t{w['end']:.3f}\t{w['score']:.2f}\n")
            return
        conf = "" if record.get("confidence") is None else f"{record['confidence']:.4f}"
        self.out.write(f"{name}\t{record['duration']:.3f}\t{conf}\t{_tsv_field(record['transcript'])}\n")


_WRITERS = {"text": TextWriter, "txt": TextWriter, "json": JsonWriter, "jsonl": JsonLinesWriter, "srt": SubtitleWriter,
            "vtt": VttWriter, "tsv": TsvWriter}


def make_writer(fmt: str, command: str, several: bool, out: Optional[TextIO] = None) -> Writer:
    """The writer for ``--format fmt`` (one of :data:`FORMATS`)."""
    return _WRITERS[fmt](out or sys.stdout, command, several)


def subtitle_cues(words: list[dict]) -> list[tuple[float, float, str]]:
    """Group timed words (``word``, ``start``, ``end`` in seconds) into
    ``(start, end, text)`` cues; text is wrapped to two lines at most."""
    cues: list[tuple[float, float, str]] = []
    group: list[dict] = []

    def flush() -> None:
        if group:
            cues.append((group[0]["start"], group[-1]["end"], _wrap(" ".join(w["word"] for w in group))))
            group.clear()

    for w in words:
        if group:
            chars = sum(len(g["word"]) + 1 for g in group) + len(w["word"])
            if (w["start"] - group[-1]["end"] >= CUE_PAUSE_SECONDS or chars > 2 * CUE_LINE_CHARS
                    or w["end"] - group[0]["start"] > CUE_MAX_SECONDS):
                flush()
        group.append(w)
    flush()
    return cues


def _wrap(text: str) -> str:
    """Split a cue's text into two lines near the middle if it is longer than one."""
    if len(text) <= CUE_LINE_CHARS:
        return text
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - middle)) if spaces else None
    return text if cut is None else text[:cut] + "\n" + text[cut + 1:]


def _timestamp(seconds: float, vtt: bool) -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{'.' if vtt else ','}{ms:03d}"


def _spoken(record: dict) -> list[dict]:
    """The record's words without fillers (alignments list ``<sil>`` too)."""
    return [w for w in record.get("words", []) if not w.get("filler", False)]


def _tsv_field(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


__all__ = ["FORMATS", "Writer", "make_writer", "subtitle_cues"]
