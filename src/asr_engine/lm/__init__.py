"""Language models: word-sequence models the decoder can be driven by.

* :class:`NgramModel` - native back-off n-gram model (ARPA, Sphinx ``lm.bin``
  or our memory-mapped binary), scoring exactly like KenLM.
* :func:`train_ngram` - interpolated modified Kneser-Ney training from text.
* :class:`InterpolatedModel`, :func:`with_boosts` - base + custom mixing and
  per-word / per-phrase bonuses.
* :class:`KenlmModel` - the same state API over a ``kenlm.Model``.
* :func:`analyze_corpus` (``lm.corpus``) - corpus text to normalized
  sentences and out-of-vocabulary words, as the IBM service normalizes corpora.
* :class:`CustomLanguageModel` (``lm.custom``) - a trained custom model and its
  combination with the base (per-context shares, ``customization_weight``).
* :class:`OpenVocabularyModel` - a model plus new words with a probability.

All scores in this Python API are **log10** (as in the ``kenlm`` module);
the native core works in natural logs.
"""
from __future__ import annotations

from .combine import BoostedModel, InterpolatedModel, with_boosts
from .corpus import CorpusAnalysis, analyze_corpus
from .custom import DEFAULT_CUSTOMIZATION_WEIGHT, CustomLanguageModel, CustomWord
from .kenlm_backend import KenlmModel
from .ngram import (
    FORMAT_VERSION,
    NgramModel,
    State,
    WordSequenceModel,
    default_cache_dir,
    default_lm_path,
    load_cached,
    load_default_lm,
)
from .training import normalize_text, train_ngram
from .vocabulary_model import OpenVocabularyModel

__all__ = [
    "BoostedModel",
    "CorpusAnalysis",
    "CustomLanguageModel",
    "CustomWord",
    "DEFAULT_CUSTOMIZATION_WEIGHT",
    "OpenVocabularyModel",
    "analyze_corpus",
    "FORMAT_VERSION",
    "InterpolatedModel",
    "KenlmModel",
    "NgramModel",
    "State",
    "WordSequenceModel",
    "default_cache_dir",
    "default_lm_path",
    "load_cached",
    "load_default_lm",
    "normalize_text",
    "train_ngram",
    "with_boosts",
]
