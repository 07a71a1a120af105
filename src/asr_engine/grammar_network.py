"""The search network of a compiled grammar, over a recognizer's models.

A :class:`~asr_engine.grammar.Grammar` constrains the search only if every
word it can output has a pronunciation (upper-case grammar words match the
lower-case dictionary's, as grammar words are case-insensitive), it is a
speech grammar (not DTMF) and it has a rule to recognize. The network is the
acoustic model's triphones over those pronunciations, driven by the
grammar's finite-state acceptor; a :class:`~asr_engine.Recognizer` builds it
once per grammar and shares it between threads.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _core
from . import vocabulary as _vocab
from .dictionary import Dictionary
from .errors import InvalidArgumentError, NotFoundError

if TYPE_CHECKING:
    from .grammar import Grammar


def grammar_network(acoustic_model: Any, dictionary: Dictionary, grammar: "Grammar") -> Any:
    """The native search network for ``grammar`` (a 404 for words without
    pronunciations, a 400 for a grammar that cannot constrain speech)."""
    upper = _vocab.case_variants(dictionary, grammar.words)
    if upper:  # grammar words in upper case match case-insensitively
        dictionary = _vocab.extended_dictionary(dictionary, upper)
    missing = dictionary.missing(grammar.words)
    if missing:
        raise NotFoundError("grammar words not in the pronunciation dictionary: " + ", ".join(missing))
    if grammar.mode == "dtmf":
        raise InvalidArgumentError("a DTMF grammar cannot constrain speech recognition")
    if grammar.fsa is None:
        raise InvalidArgumentError("the grammar has no rule to recognize (no root and no public rule)")
    return _core.RecognitionModel(acoustic_model.native, dictionary.native, grammar.fsa)
