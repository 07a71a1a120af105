"""The output of a batch: a JSONL file, one record per input, resumable.

Records are appended as inputs finish, each line written whole, flushed and
fsynced, so a run that is killed keeps every record it reported. Opening the
file again reads which inputs it already holds (by :func:`record_key`: the
input's absolute path), drops a torn last line (the one a crash can leave),
and the batch skips those inputs: a record is never written twice. Only one
run may write a file at a time (an advisory lock; a second run gets 409).
"""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
from typing import Optional

from ..errors import ConflictError, FormatError
from .inputs import STDIN


def record_key(name: str) -> str:
    """What identifies an input across runs: its normalized absolute path
    (``-`` for standard input)."""
    return name if name == STDIN else os.path.normpath(os.path.abspath(name))


class RecordFile:
    """An open JSONL record file.

    Args:
        path: the file (created if missing).
        retry_failed: forget the error records it holds (rewritten atomically
            without them), so their inputs are tried again.

    Raises:
        ConflictError: another run has the file open (409).
        FormatError: a line other than the last is not a JSON record (400).
    """

    def __init__(self, path: str, *, retry_failed: bool = False) -> None:
        self.path = os.fspath(path)
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        self._file = self._locked(self.path)
        self._index: dict[str, tuple[int, int, bool]] = {}  # key -> (offset, length, failed)
        try:
            self._scan()
            if retry_failed and any(failed for _o, _n, failed in self._index.values()):
                self._rewrite_without_failures()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _locked(path: str):
        f = open(path, "a+b")
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            raise ConflictError(f"{path} is being written by another batch run") from None
        return f

    def _scan(self) -> None:
        size = self._file.seek(0, os.SEEK_END)
        self._file.seek(0)
        offset = 0
        for line in iter(self._file.readline, b""):
            end = offset + len(line)
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("torn")
                record = json.loads(line)
                name = record["file"]
            except (ValueError, KeyError, TypeError):
                if end >= size:  # a torn last line: its record was never reported, drop it
                    self._truncate(offset)
                    break
                raise FormatError(f"{self.path}: byte {offset} is not a batch record (a JSON object with \"file\")")
            self._index.setdefault(record_key(name), (offset, len(line), "error" in record))
            offset = end

    def _truncate(self, size: int) -> None:
        self._file.truncate(size)
        os.fsync(self._file.fileno())

    def _rewrite_without_failures(self) -> None:
        kept = sorted((o, n) for o, n, failed in self._index.values() if not failed)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(self.path)}.", suffix=".tmp",
                                   dir=os.path.dirname(os.path.abspath(self.path)))
        try:
            with os.fdopen(fd, "wb") as out:
                for offset, length in kept:
                    self._file.seek(offset)
                    out.write(self._file.read(length))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        old, self._file = self._file, self._locked(self.path)
        old.close()
        self._index.clear()
        self._scan()

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def __len__(self) -> int:
        return len(self._index)

    def get(self, key: str) -> Optional[dict]:
        """The record held for ``key``, or None."""
        found = self._index.get(key)
        if found is None:
            return None
        self._file.seek(found[0])
        return json.loads(self._file.read(found[1]))

    def append(self, record: dict) -> None:
        """Write one record durably (one line, flushed and fsynced)."""
        key = record_key(record["file"])
        if key in self._index:
            return  # already written (an input is never recorded twice)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        self._file.write(line)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._index[key] = (offset, len(line), "error" in record)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()  # releases the lock

    def __enter__(self) -> "RecordFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["RecordFile", "record_key"]
