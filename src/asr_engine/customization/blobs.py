"""Blob files of a :class:`~asr_engine.customization.Store`.

Corpora, grammars, trained artifacts (and later audio) are immutable files in
one directory. A blob is written completely (temporary file, fsync, rename,
fsync of the directory) *before* the database row that names it is
committed, so a committed row always points at a whole file. A crash between
the two leaves an unreferenced file; :meth:`BlobDirectory.sweep` removes those.

Names carry the writer's host and process id (``<uuid>.<host>.<pid>``): a
sweep removes an unreferenced file at once when its writer is a dead process
on this host, and otherwise only once it is older than a grace period (its
writer may be about to commit the row), which covers writers on other hosts
sharing the directory.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path
from typing import BinaryIO, Iterable, Union

from ..errors import AsrError

_HOST = socket.gethostname().replace(".", "-")[:40] or "host"


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def this_host() -> str:
    """The host part of blob names and lease holders."""
    return _HOST


class BlobDirectory:
    """A flat directory of immutable, atomically written files."""

    def __init__(self, path: Union[str, os.PathLike], *, grace_seconds: float = 600.0) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.grace_seconds = grace_seconds

    def new_name(self) -> str:
        return f"{uuid.uuid4().hex}.{_HOST}.{os.getpid()}"

    def file(self, name: str) -> Path:
        """Path of a blob; names are ours (validated), never a user's."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise AsrError(f"invalid blob name {name!r}", 500)
        return self.path / name

    def write(self, data: Union[bytes, BinaryIO, Iterable[bytes]]) -> tuple[str, int]:
        """Write ``data`` under a new name; returns ``(name, size)``. The file
        is durable (fsynced, renamed into place) when this returns."""
        name = self.new_name()
        final = self.file(name)
        tmp = self.path / f".{name}.tmp"
        size = 0
        try:
            with open(tmp, "wb") as f:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    f.write(data)
                    size = len(data)
                elif hasattr(data, "read"):
                    while True:
                        chunk = data.read(1 << 20)
                        if not chunk:
                            break
                        f.write(chunk)
                        size += len(chunk)
                else:
                    for chunk in data:
                        f.write(chunk)
                        size += len(chunk)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
            self._sync_dir()
        except BaseException:
            for p in (tmp, final):
                try:
                    os.unlink(p)
                except OSError:
                    pass
            raise
        return name, size

    def write_file(self, source: Union[str, os.PathLike]) -> tuple[str, int]:
        """Copy a finished file (e.g. a trained model) into the directory."""
        with open(source, "rb") as f:
            return self.write(f)

    def read(self, name: str) -> bytes:
        return self.file(name).read_bytes()

    def size(self, name: str) -> int:
        return self.file(name).stat().st_size

    def delete(self, names: Iterable[str]) -> None:
        """Remove files whose rows are already gone (missing files are fine)."""
        for name in names:
            try:
                os.unlink(self.file(name))
            except FileNotFoundError:
                pass

    def names(self) -> list[str]:
        """Every blob file present (temporary files excluded)."""
        return [p.name for p in self.path.iterdir() if not p.name.startswith(".")]

    def sweep(self, referenced: set[str], *, now: float | None = None) -> list[str]:
        """Delete files no row references and temporary files of dead writers.

        A file is removed when its writer is a dead process on this host, or
        when it is older than the grace period; returns the removed names.
        """
        now = time.time() if now is None else now
        removed = []
        for p in self.path.iterdir():
            name = p.name
            temporary = name.startswith(".") and name.endswith(".tmp")
            base = name[1:-4] if temporary else name
            if not temporary and (name.startswith(".") or name in referenced):
                continue
            if self._writer_gone(base) or self._older_than_grace(p, now):
                try:
                    os.unlink(p)
                    removed.append(name)
                except FileNotFoundError:
                    pass
        return removed

    def _writer_gone(self, name: str) -> bool:
        parts = name.split(".")
        if len(parts) != 3 or parts[1] != _HOST:
            return False
        try:
            pid = int(parts[2])
        except ValueError:
            return False
        return pid != os.getpid() and not process_alive(pid)

    def _older_than_grace(self, p: Path, now: float) -> bool:
        try:
            return now - p.stat().st_mtime > self.grace_seconds
        except FileNotFoundError:
            return False

    def _sync_dir(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
