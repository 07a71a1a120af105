"""asr_engine: offline speech-to-text with Sphinx-format models."""
from __future__ import annotations

# errors first: the native module imports it while it initialises.
from . import errors
from .errors import *  # noqa: F401,F403
from . import _core  # noqa: F401
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
from .align import AlignOptions, ForcedAligner, MissingWordsError, align
from .search import SearchOptions
from .recognizer import Recognizer, Result, Stream, WordResult, default_recognizer, recognize
from . import lm
from .grammar import Grammar, GrammarError, GrammarOptions, compile_grammar, matches  # noqa: F401

__version__ = "0.1.0"

__all__ = errors.__all__ + [
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
    "ForcedAligner",
    "MissingWordsError",
    "align",
    "SearchOptions",
    "Recognizer",
    "Result",
    "Stream",
    "WordResult",
    "recognize",
    "default_recognizer",
    "lm",
]
