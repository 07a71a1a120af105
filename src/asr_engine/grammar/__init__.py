"""Grammars: SRGS ABNF (``application/srgs``), SRGS XML
(``application/srgs+xml``) and JSGF compiled to weighted word automata.

    >>> g = compile_grammar("#ABNF 1.0;\\nlanguage en-US;\\nroot $a;\\n$a = yes | no;")
    >>> g.matches("yes"), g.words
    (True, ['yes', 'no'])

``Grammar.fsa`` is the native automaton (a WordSequenceModel) the decoder
searches under; ``Grammar.words`` is the lexicon it needs. ``$GARBAGE``
appears in the automaton as the reserved word ``<garbage>``.
"""
from __future__ import annotations

from .document import GrammarDocument
from .grammar import Grammar, GrammarOptions, compile_grammar, matches
from .lps import ParseNode, ParseTag, ParseToken
from .source import GrammarError

GARBAGE_WORD = "<garbage>"

__all__ = [
    "compile_grammar",
    "matches",
    "Grammar",
    "GrammarOptions",
    "GrammarError",
    "GrammarDocument",
    "ParseNode",
    "ParseToken",
    "ParseTag",
    "GARBAGE_WORD",
]
