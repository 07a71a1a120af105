"""asr_engine: offline speech-to-text with Sphinx-format models."""
from __future__ import annotations

# errors first: the native module imports it while it initialises.
from . import errors
from .errors import *  # noqa: F401,F403
from . import _core  # noqa: F401

__version__ = "0.1.0"
