"""Where the default model lives.

The default English model is the one shipped inside the ``pocketsphinx``
wheel: the US-English PTM acoustic model and the CMU pronouncing dictionary.
Only its data files are used.
"""
from __future__ import annotations

import os

from .errors import NotFoundError


def pocketsphinx_model_root() -> str:
    """The ``model`` folder of the installed ``pocketsphinx`` package."""
    try:
        import pocketsphinx  # noqa: PLC0415  (optional at import time)
    except ImportError as e:  # pragma: no cover - pocketsphinx is a dependency
        raise NotFoundError("the default model needs the 'pocketsphinx' package") from e
    return str(pocketsphinx.get_model_path())


def default_model_dir() -> str:
    """Directory of the default acoustic model (``en-us/en-us``)."""
    root = pocketsphinx_model_root()
    for candidate in (os.path.join(root, "en-us", "en-us"), os.path.join(root, "en-us"), root):
        if os.path.isfile(os.path.join(candidate, "mdef")):
            return candidate
    raise NotFoundError(f"no acoustic model (mdef) found under {root}")


def default_dictionary_path() -> str:
    """Path of the default pronunciation dictionary (``cmudict-en-us.dict``)."""
    root = pocketsphinx_model_root()
    for candidate in (os.path.join(root, "en-us", "cmudict-en-us.dict"), os.path.join(root, "cmudict-en-us.dict")):
        if os.path.isfile(candidate):
            return candidate
    raise NotFoundError(f"no cmudict-en-us.dict found under {root}")
