"""Recognizers derived from another: with extra words, or with a custom
language model.

:meth:`~asr_engine.Recognizer.with_words` and
:meth:`~asr_engine.Recognizer.customized` give a recognizer that shares the
base one's acoustic model and options and has its own dictionary copy,
word-sequence model and search network (the base lexicon tree plus the new
pronunciations), built once per distinct customization and cached.
:class:`RecognizerVariants` is the part of
:class:`~asr_engine.recognizer.Recognizer` that does it; it reads and sets the
recognizer's models (``dictionary``, ``language_model``, ``acoustic_model``,
``_native``, ``_display_as``, ``_networks`` and the per-network caches).
"""
from __future__ import annotations

import copy
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from . import vocabulary as _vocab
from .dictionary import Dictionary
from .errors import InvalidArgumentError
from .network_cache import NetworkCache
from .phone_loop import PhoneLoop

if TYPE_CHECKING:
    from .recognizer import Recognizer


class RecognizerVariants:
    """Derives customized recognizers (mixed into ``Recognizer``)."""

    # Set by Recognizer.__init__.
    acoustic_model: Any
    dictionary: Dictionary
    language_model: Any
    _native: Any
    _display_as: dict[str, str]
    _grammar_models: Any
    _grammar_lock: Any
    _phone_loop: Any
    _networks: NetworkCache
    _narrowband: Optional["Recognizer"]
    _derived_from: Optional[tuple[Any, ...]]

    def _derive(self, dictionary: Dictionary, language_model: Any, display_as: dict[str, str],
                added: list[str]) -> "Recognizer":
        """A recognizer sharing this one's acoustic model and options, with
        its own dictionary (this one's plus ``added``), word-sequence model
        (extending this one's) and search network (this one's lexicon tree
        plus the new pronunciations)."""
        out: "Recognizer" = copy.copy(self)  # type: ignore[assignment]
        out.dictionary = dictionary
        out.language_model = language_model
        out._native = self._native.extended(dictionary.native, language_model, added)
        out._display_as = {**self._display_as, **display_as}
        out._grammar_models = weakref.WeakKeyDictionary()
        out._grammar_lock = threading.Lock()
        out._phone_loop = PhoneLoop(self.acoustic_model, dictionary)
        out._networks = NetworkCache()
        out._narrowband = None
        out._derived_from = (self, dictionary, language_model, display_as, added)
        _vocab.warn_missing(out.missing_words)
        return out

    def with_words(self, words: Mapping[str, Any], *, log10_prob: Optional[float] = None) -> "Recognizer":
        """A recognizer whose search also knows ``words``.

        It shares this recognizer's acoustic model and options; only the
        dictionary copy, the language-model wrapper and the search network
        are built (a fraction of a full :class:`Recognizer`), once per
        distinct set of words (cached, LRU).

        Args:
            words: ``{word: pronunciation}``; a pronunciation is a phone
                string (``"Z AO R B L AE K S"``), a list of them, or None to
                generate it with the G2P. A word the dictionary already has
                gets the pronunciation as a new variant.
            log10_prob: the language-model probability of each word the LM
                lacks, in every context (default
                :data:`asr_engine.lm.vocabulary_model.DEFAULT_WORD_LOG10_PROB`,
                -5: as likely as a common word).

        Raises:
            InvalidArgumentError: a malformed word, a phone outside the
                model's phone set, or None when no G2P is available.
        """
        from .lm import OpenVocabularyModel

        prons = _vocab.pronunciations(words)
        key = ("words", tuple(sorted((w, tuple(map(tuple, p))) for w, p in prons.items())), log10_prob)

        def build() -> "Recognizer":
            dictionary = _vocab.extended_dictionary(self.dictionary, prons)
            new = {w: log10_prob for w in prons if w not in self.language_model}
            lm = OpenVocabularyModel(self.language_model, new) if new else self.language_model
            return self._derive(dictionary, lm, {}, list(prons))

        return self._networks.get(key, build)

    def customized(self, model: Any, customization_weight: Optional[float] = None) -> "Recognizer":
        """A recognizer driven by this one's language model customized by
        ``model`` (an :class:`asr_engine.lm.CustomLanguageModel`).

        The search knows the base vocabulary plus the custom words (their
        pronunciations: given, else the dictionary's, else the G2P's), the
        language model is the combination of :mod:`asr_engine.lm.custom` at
        ``customization_weight`` (default 0.3), and results show each word's
        ``display_as``. Built once per (model, weight) and cached (LRU, shared
        by threads), so later requests cost what a base request costs.
        """
        from .lm.custom import DEFAULT_CUSTOMIZATION_WEIGHT, CustomLanguageModel, check_weight

        if not isinstance(model, CustomLanguageModel):
            raise InvalidArgumentError(f"model must be a CustomLanguageModel, not {type(model).__name__}")
        weight = check_weight(DEFAULT_CUSTOMIZATION_WEIGHT if customization_weight is None else customization_weight)
        key = ("custom", model.digest, float(weight))

        def build() -> "Recognizer":
            prons = _vocab.custom_pronunciations(model, self.dictionary)
            dictionary = _vocab.extended_dictionary(self.dictionary, prons)
            lm = model.combine(self.language_model, weight)
            display = _vocab.display_map({w: cw.display_as for w, cw in model.words.items()})
            return self._derive(dictionary, lm, display, list(prons))

        return self._networks.get(key, build)
