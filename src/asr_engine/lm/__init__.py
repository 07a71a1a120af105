"""Language models: word-sequence models the decoder can be driven by.

* :class:`NgramModel` - native back-off n-gram model (ARPA, Sphinx ``lm.bin``
  or our memory-mapped binary), scoring exactly like KenLM.
* :func:`train_ngram` - interpolated modified Kneser-Ney training from text.
* :class:`InterpolatedModel`, :func:`with_boosts` - base + custom mixing and
  per-word / per-phrase bonuses.
* :class:`KenlmModel` - the same state API over a ``kenlm.Model``.

All scores in this Python API are **log10** (as in the ``kenlm`` module);
the native core works in natural logs.
"""
from __future__ import annotations

from .combine import BoostedModel, InterpolatedModel, with_boosts
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

__all__ = [
    "BoostedModel",
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
