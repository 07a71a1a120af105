"""Archives of audio files (``application/zip``, ``application/gzip`` .tar.gz), read safely.

An archive-type audio resource is untrusted input. :func:`scan_archive`
reads one completely before anything is stored and refuses (400, naming the
member) what could hurt a reader that later unpacks it: absolute names or
``..`` in member paths, links and device files, names over 128 characters,
duplicate names, archives inside the archive, and decompression bombs (the
expanded size is counted as it is inflated, never taken from a header, and
capped per member and in total). Nothing is ever written to disk under a
member's name: members are read into memory one at a time
(:func:`iter_members`) and decoded from there.
"""
from __future__ import annotations

import io
import posixpath
import stat
import tarfile
import zipfile
from dataclasses import dataclass
from typing import Iterator, Optional

from ..errors import InvalidArgumentError, PayloadTooLargeError

#: Longest member name, path included (the service's limit).
MAX_MEMBER_NAME = 128
#: Most members one archive may hold.
MAX_MEMBERS = 100_000
COMPRESSIONS = {"application/zip": "zip", "application/gzip": "gzip"}


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what an archive may expand to."""

    member_bytes: int = 100 * 1024 * 1024  #: largest expanded member
    total_bytes: int = 400 * 1024 * 1024  #: largest expanded archive


def _check_name(name: str, seen: set) -> str:
    if not name or len(name) > MAX_MEMBER_NAME:
        raise InvalidArgumentError(
            f"The archive member name '{name[:200]}' is {'empty' if not name else 'longer than 128 characters'}; "
            f"member names (with their path) must have 1 to {MAX_MEMBER_NAME} characters.")
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts \
            or any(ord(c) < 32 for c in name):
        raise InvalidArgumentError(
            f"The archive member '{name}' has an unsafe path (absolute, with '..' or control characters); "
            "the archive was refused.")
    clean = posixpath.normpath(name.replace("\\", "/"))
    if clean in seen:
        raise InvalidArgumentError(f"The archive has two members named '{clean}'; the archive was refused.")
    seen.add(clean)
    return clean


def _nested(head: bytes) -> bool:
    """Whether a member's first bytes are an archive or compressed file."""
    return (head[:4] in (b"PK\x03\x04", b"PK\x05\x06") or head[:2] == b"\x1f\x8b" or head[:3] == b"BZh"
            or head[:6] in (b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c") or head[:4] == b"Rar!"
            or head[257:262] == b"ustar")


class _Counter:
    """Running total of expanded bytes; a bomb stops the read."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.total = 0

    def read(self, stream, name: str) -> bytes:
        out = bytearray()
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                return bytes(out)
            out += chunk
            self.total += len(chunk)
            if len(out) > self.limits.member_bytes or self.total > self.limits.total_bytes:
                raise PayloadTooLargeError(
                    f"The archive expands to more than the limit ({self.limits.member_bytes // (1 << 20)} MB per "
                    f"member, {self.limits.total_bytes // (1 << 20)} MB in all) at member '{name}'; "
                    "the archive was refused.")


def _entries(raw: bytes, compression: str):
    """``(name, is_dir, is_regular, open)`` of each entry, in archive order."""
    if compression == "zip":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for info in z.infolist():
                regular = stat.S_IFMT(info.external_attr >> 16) in (0, stat.S_IFREG)
                yield info.filename, info.is_dir(), regular, lambda info=info: z.open(info)
    elif compression == "gzip":
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as t:
            while (info := t.next()) is not None:
                yield info.name, info.isdir(), info.isreg(), lambda info=info: t.extractfile(info) or io.BytesIO()
    else:
        raise InvalidArgumentError(f"unknown archive compression {compression!r}")


def iter_members(raw: bytes, compression: str, limits: ArchiveLimits = ArchiveLimits()
                 ) -> Iterator[tuple[str, bytes]]:
    """``(name, bytes)`` of each regular file of the archive, in archive
    order, checked as the module says; 400/413 on the first unsafe member."""
    seen: set = set()
    counter = _Counter(limits)
    count = 0
    try:
        for raw_name, is_dir, regular, open_member in _entries(raw, compression):
            if is_dir:
                continue
            name = _check_name(raw_name, seen)
            if not regular:
                raise InvalidArgumentError(
                    f"The archive member '{name}' is a link or special file; only regular audio files "
                    "may be in an archive.")
            count += 1
            if count > MAX_MEMBERS:
                raise InvalidArgumentError(f"The archive has more than {MAX_MEMBERS} members.")
            with open_member() as f:
                data = counter.read(f, name)
            if _nested(data[:512]):
                raise InvalidArgumentError(
                    f"The archive member '{name}' is itself an archive or compressed file; "
                    "nested archives are not accepted.")
            yield name, data
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        kind = "zip" if compression == "zip" else "gzip-compressed tar"
        raise InvalidArgumentError(f"The archive is not a valid {kind} file ({type(e).__name__}: {e}).") from None


def scan_archive(raw: bytes, compression: str, limits: ArchiveLimits = ArchiveLimits()) -> list[str]:
    """The member names of an archive, after reading it all as
    :func:`iter_members` does; 400 when it has no file."""
    names = [name for name, _data in iter_members(raw, compression, limits)]
    if not names:
        raise InvalidArgumentError("The archive contains no files.")
    return names


def archive_compression(content_type: Optional[str]) -> Optional[str]:
    """``zip`` / ``gzip`` for an archive media type, else None."""
    if not content_type:
        return None
    return COMPRESSIONS.get(content_type.split(";")[0].strip().lower())


__all__ = ["ArchiveLimits", "iter_members", "scan_archive", "archive_compression", "MAX_MEMBER_NAME"]
