"""asr_engine: offline speech-to-text with Sphinx-format models.

The package's public API: audio input (:func:`load_audio`), the front end,
acoustic models and dictionaries, language models (:mod:`asr_engine.lm`),
grammars, recognition (:class:`Recognizer`, :func:`recognize`, streams) and
forced alignment (:func:`align`). Every error is an :class:`AsrError` with an
HTTP-like ``code``. Log messages (warnings, per-stage timings at DEBUG) go
to the ``asr_engine`` logger; the library never prints.
"""
from __future__ import annotations

# errors first: the native module imports it while it initialises.
from . import errors
from .errors import *  # noqa: F401,F403
import logging as _logging

# The library logs (warnings, DEBUG timings) and never prints; applications
# configure logging.getLogger("asr_engine") as they like.
_logging.getLogger("asr_engine").addHandler(_logging.NullHandler())
from . import _core  # noqa: F401,E402
from .audio import Audio, load_audio
from .frontend import (
    FeatureOptions,
    FeatureStream,
    Frontend,
    FrontendOptions,
    compute_features,
    compute_mfcc,
    model_feature_options,
)
from .acoustic import AcousticModel, SenoneScorer
from .dictionary import Dictionary
from .align import (AlignedPhone, AlignedState, AlignedWord, Alignment, AlignOptions, ForcedAligner,
                    MissingWordsError, align)
from .search import SearchOptions
from .results import Alternative, KeywordMatch, Result, WordAlternatives, WordResult
from .recognizer import Recognizer, default_recognizer, recognize
from .stream import Stream
from . import lm
from .grammar import Grammar, GrammarError, GrammarOptions, compile_grammar, matches  # noqa: F401

__version__ = "0.1.0"

__all__ = [
    "Audio",
    "load_audio",
    "FrontendOptions",
    "FeatureOptions",
    "Frontend",
    "FeatureStream",
    "compute_mfcc",
    "compute_features",
    "model_feature_options",
    "AcousticModel",
    "SenoneScorer",
    "Dictionary",
    "AlignOptions",
    "Alignment",
    "AlignedWord",
    "AlignedPhone",
    "AlignedState",
    "ForcedAligner",
    "MissingWordsError",
    "align",
    "SearchOptions",
    "Recognizer",
    "Result",
    "Alternative",
    "Stream",
    "WordResult",
    "KeywordMatch",
    "WordAlternatives",
    "recognize",
    "default_recognizer",
    "lm",
    "Grammar",
    "GrammarError",
    "GrammarOptions",
    "compile_grammar",
    "matches",
]
__all__ += errors.__all__
