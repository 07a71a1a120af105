"""Customization: the store of custom models and the custom-model services.

:class:`Store` keeps custom models for many owners (metadata through
SQLAlchemy Core, blobs in a directory, compare-and-set state changes, leased
background jobs that a crash cannot leave stuck). :class:`CustomLanguageModels`
implements IBM's custom language models on it: create/list/get/delete/
reset/upgrade/train, corpora, words (``sounds_like``, ``display_as``) and
grammars, returning the service's JSON bodies as plain data, within the
service's data limits (:mod:`.lm_limits`: 10 million total words, 90,000
custom words per model).
:class:`CustomAcousticModels` implements IBM's custom acoustic models on the
same store (``models.kind``, generic resources, blobs and leases): audio
resources (files and archives, read safely), background MLLR + MAP training
(unsupervised, or lightly supervised with a custom language model), reset,
upgrade, and the adapted models that recognition uses.

May import: the engine below it (``asr_engine.lm``, ``asr_engine.grammar``,
``asr_engine.g2p``, ``asr_engine.adapt``, ``asr_engine.audio``,
``asr_engine.recognizer``, ``asr_engine.errors``) and
SQLAlchemy. Never the façades (``asr_engine.watson``, ``asr_engine.azure``).
"""
from __future__ import annotations

from .acoustic_models import CustomAcousticModels
from .base_models import BaseModel, default_base_models
from .language_models import MAX_MODELS_PER_OWNER, CustomLanguageModels
from .lm_limits import MAX_CUSTOM_WORDS, MAX_TOTAL_WORDS
from .store import DEFAULT_LEASE_SECONDS, JobContext, LeaseLost, Store, Transaction, default_home
from .training import DEFAULT_CUSTOMIZATION_WEIGHT, TrainedCustomization
from .verify import verify_store

__all__ = [
    "Store",
    "Transaction",
    "JobContext",
    "LeaseLost",
    "default_home",
    "DEFAULT_LEASE_SECONDS",
    "BaseModel",
    "default_base_models",
    "CustomLanguageModels",
    "CustomAcousticModels",
    "MAX_MODELS_PER_OWNER",
    "MAX_TOTAL_WORDS",
    "MAX_CUSTOM_WORDS",
    "TrainedCustomization",
    "DEFAULT_CUSTOMIZATION_WEIGHT",
    "verify_store",
]
