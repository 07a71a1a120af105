"""The default G2P model: trained from the shipped CMUdict on first use,
then cached.

Why trained and cached rather than shipped: the model is a function of the
dictionary the installed ``pocketsphinx`` wheel ships (another version of the
wheel means another model), and of our training code; a committed binary
would be a ~10 MB file that silently goes stale when either changes. Training
takes well under the 2-minute budget on one core (measured by
``benchmarks/bench_g2p.py``), happens once per cache directory, and is
announced on the ``asr_engine.g2p`` logger. The cache file is keyed by the
dictionary's content, the training options and the file format version, is
written atomically, and processes that start at the same time wait for one
of them to train (a lock file beside it) instead of all training.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Union

from .. import _core
from ..cache import default_cache_dir
from ..errors import FormatError, NotFoundError
from ..model import default_dictionary_path
from .lexicon import read_lexicon
from .model import G2pTrainOptions, GraphoneModel

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no cross-process lock
    fcntl = None

logger = logging.getLogger("asr_engine.g2p")

_loaded: dict[tuple, GraphoneModel] = {}
_lock = threading.Lock()


def cache_path(dictionary_path: str, options: G2pTrainOptions = G2pTrainOptions(),
               cache_dir: Optional[Union[str, os.PathLike]] = None) -> Path:
    """Where the model trained from ``dictionary_path`` with ``options`` is cached."""
    h = hashlib.sha256()
    with open(dictionary_path, "rb") as f:
        h.update(f.read())
    h.update(repr((sorted(vars(options).items()), _core.g2p.FORMAT_VERSION)).encode())
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return root / "g2p" / f"{Path(dictionary_path).stem}-{h.hexdigest()[:16]}.g2p"


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    with open(str(path) + ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _load_or_train(dictionary_path: str, options: G2pTrainOptions, path: Path) -> GraphoneModel:
    try:
        return GraphoneModel.load(path)
    except NotFoundError:
        pass
    except FormatError as e:
        logger.warning("the G2P cache %s is unusable (%s); retraining", path, e)
    with _exclusive(path):
        try:  # another process may have trained it while we waited
            return GraphoneModel.load(path)
        except (NotFoundError, FormatError):
            pass
        logger.warning("training the G2P model from %s (once; about half a minute)...", dictionary_path)
        start = time.perf_counter()
        model = GraphoneModel.train(read_lexicon(dictionary_path), options)
        try:
            model.save(path)
        except OSError as e:
            logger.warning("cannot write the G2P cache %s: %s", path, e)
        logger.warning("G2P model trained in %.1f s and cached in %s", time.perf_counter() - start, path)
        return model


def default_model(dictionary_path: Optional[str] = None,
                  options: G2pTrainOptions = G2pTrainOptions()) -> GraphoneModel:
    """The G2P model of ``dictionary_path`` (default: the shipped CMUdict).

    Loaded from the cache (milliseconds), else trained once and cached. The
    same object is returned to every caller in the process; it is
    thread-safe.
    """
    dictionary_path = os.path.abspath(dictionary_path or default_dictionary_path())
    key = (dictionary_path, options)
    with _lock:
        model = _loaded.get(key)
        if model is None:
            model = _load_or_train(dictionary_path, options, cache_path(dictionary_path, options))
            _loaded[key] = model
        return model
