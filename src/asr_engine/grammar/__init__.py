"""Grammars: SRGS ABNF (``application/srgs``), SRGS XML
(``application/srgs+xml``) and JSGF compiled to weighted word automata.

    >>> g = compile_grammar("#ABNF 1.0;\\nlanguage en-US;\\nroot $a;\\n$a = yes | no;")
    >>> g.matches("yes"), g.words
    (True, ['yes', 'no'])

Contract with the decoder:

* ``Grammar.fsa`` is the native ``GrammarFsa``, a ``WordSequenceModel``
  (one-slot states, ``score_word``/``final`` normalised per state) that the
  search uses exactly like an n-gram model; word ids 0..2 are ``<s>``,
  ``</s>`` and ``<garbage>``.
* ``Grammar.words`` (``GrammarFsa::LexiconWords()`` in C++) is the complete
  lexicon the search needs: build the lexicon tree from these words only.
* ``$GARBAGE`` is an arc labelled ``<garbage>`` (``GARBAGE_WORD``, id 2). The
  decoder realises it as a filler path (phone loop and/or noise words) that
  absorbs one or more words of unnamed speech; ``Grammar.has_garbage``
  says whether one is needed. ``matches()`` lets it absorb 1+ tokens.
* ``mode dtmf`` grammars compile and match text; they are not for audio.
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
