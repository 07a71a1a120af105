"""The model files a :class:`~asr_engine.Recognizer` is built from.

Its ``model_dir=``, ``dictionary=`` and ``language_model=`` arguments: a path
checked to exist (404) and be a file or a directory as asked (400), and the
native word-sequence model for whatever ``language_model=`` was given.
"""
from __future__ import annotations

import os
from typing import Any, Optional

from . import _core
from .errors import InvalidArgumentError, NotFoundError
from .validation import describe_value


def check_path(value: object, what: str, *, directory: bool = False) -> Optional[str]:
    """``value`` (a path or None) as a string, checked to exist and to be a
    directory (``directory``) or not; ``what`` names it in the error."""
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidArgumentError(f"{what} must be a path or None, got {describe_value(value)}")
    path = os.fspath(value)
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if not os.path.exists(path):
        raise NotFoundError(f"{what} not found: {path}")
    if directory != os.path.isdir(path):
        raise InvalidArgumentError(f"{what} {path} is {'not ' if directory else ''}a directory")
    return path


def word_model(language_model: object) -> Any:
    """The native word-sequence model for a ``language_model=`` argument."""
    from . import lm as _lm

    if language_model is None:
        return _lm.load_default_lm()
    if isinstance(language_model, (str, os.PathLike)):
        return _lm.load_cached(check_path(language_model, "language model file") or "")
    if isinstance(language_model, _lm.KenlmModel):
        return language_model.as_native()
    if isinstance(language_model, _core.lm.WordSequenceModel):
        return language_model
    raise InvalidArgumentError(f"language_model must be an asr_engine.lm model, a path or None, "
                               f"got {describe_value(language_model)}")
