"""Where compiled caches live, and how they are written.

Large text inputs (the 135k-word dictionary, ARPA or lm.bin language models)
are compiled once into binary files that later load in milliseconds. All
caches share one directory and one atomic write, so a crash or a concurrent
writer can never leave a half-written cache behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Union

PathLike = Union[str, os.PathLike]


def default_cache_dir() -> Path:
    """``$ASR_ENGINE_CACHE`` (or ``$ASR_ENGINE_CACHE_DIR``), else
    ``$XDG_CACHE_HOME/asr_engine``, else ``~/.cache/asr_engine``."""
    env = os.environ.get("ASR_ENGINE_CACHE") or os.environ.get("ASR_ENGINE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "asr_engine"


def atomic_write(path: PathLike, write: Callable[[str], None]) -> None:
    """Call ``write(tmp_path)`` for a temporary file next to ``path``, then
    move it into place with ``os.replace``; on any failure the temporary
    file is removed and the exception propagates."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
