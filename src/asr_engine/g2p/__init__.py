"""G2P: pronunciations for words the dictionary lacks.

A joint-sequence (graphone) model in the manner of Bisani & Ney and
phonetisaurus, trained by our own code: letters are aligned to phones by EM
(chunks of up to 2 letters and 2 phones, silent letters allowed), a 6-gram
over the resulting graphones is estimated with our modified Kneser-Ney
estimator, and a beam search over the spelling finds the n best
pronunciations. The native core is ``csrc/g2p/``.

    >>> from asr_engine.g2p import pronounce
    >>> pronounce("kubernetes")          # doctest: +SKIP
    ['K UW B ER N EH T IY Z']

* :func:`pronounce` - pronunciations from the default model, as phone strings
  in the shipped dictionary's (stress-free CMUdict) phone set.
* :func:`default_model` - that model (trained from the shipped CMUdict on
  first use, then cached; see :mod:`.default`).
* :class:`GraphoneModel` - train, save, load, ``pronounce(word, n)`` with
  natural-log scores, for any dictionary.
* :func:`read_lexicon`, :func:`normalize_spelling` - what training reads and
  what words are accepted (:mod:`.spelling`).

May import: ``asr_engine._core``, ``errors``, ``cache``, ``model`` (paths).
It uses the LM stage's estimator and n-gram image natively, and nothing
above this layer.
"""
from __future__ import annotations

from .default import cache_path, default_model
from .lexicon import read_lexicon
from .model import G2pTrainOptions, GraphoneModel, PronounceOptions
from .spelling import MAX_WORD_LENGTH, normalize_spelling


def pronounce(word: str, n: int = 1) -> list[str]:
    """Up to ``n`` distinct pronunciations of ``word`` from the default
    model, best first, each a space-separated phone string (e.g.
    ``"K UW B ER N EH T IY Z"``).

    Raises:
        InvalidArgumentError: ``word`` cannot be pronounced (empty, digits,
            symbols, unknown letters, too long: see :mod:`.spelling`).
    """
    return [phones for phones, _ in default_model().pronounce(word, n)]


__all__ = [
    "G2pTrainOptions",
    "GraphoneModel",
    "MAX_WORD_LENGTH",
    "PronounceOptions",
    "cache_path",
    "default_model",
    "normalize_spelling",
    "pronounce",
    "read_lexicon",
]
