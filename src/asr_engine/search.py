"""Search options, mirrored one to one from the native ``SearchOptions``.

Every default was chosen on the development set (``../shared/data/dev``);
``benchmarks/compare_pocketsphinx.py`` and ``benchmarks/tune_search.py``
reproduce the measurements.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from . import _core
from .errors import InvalidArgumentError


@dataclass(frozen=True)
class SearchOptions:
    """Beam-search settings. Beams and penalties are probabilities, as in PocketSphinx."""

    beam: float = 1e-48  #: HMMs kept within this factor of the frame's best path
    phone_beam: float = 1e-48  #: phone exits propagated within this factor
    word_beam: float = 7e-29  #: word exits kept within this factor of the best exit
    max_hmms_per_frame: int = 30000  #: histogram pruning of active HMMs (0 = off)
    max_words_per_frame: int = 40  #: word exits kept per frame (0 = off)
    language_weight: float = 6.5  #: multiplies LM log-probabilities
    word_insertion_penalty: float = 0.65  #: probability charged per word
    silence_probability: float = 0.005  #: charged per inserted silence
    filler_probability: float = 1e-8  #: charged per inserted noise word
    garbage_phone_probability: float = 1e-4  #: charged per phone a grammar's $GARBAGE absorbs
    lm_lookahead: bool = True  #: unigram lookahead inside the lexicon tree
    compute_all_senones: bool = False  #: score every senone each frame
    bestpath: bool = True  #: rescore the word lattice for the final hypothesis
    bestpath_language_weight: float = 9.5  #: LM weight of the lattice rescoring
    acoustic_scale: float = 0.05  #: scales path scores for word posteriors (confidences)

    def with_overrides(self, **overrides) -> "SearchOptions":
        """A copy with some fields changed; unknown names raise InvalidArgumentError."""
        names = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise InvalidArgumentError(f"unknown search options: {', '.join(unknown)}")
        return replace(self, **overrides)

    def to_native(self) -> "_core.SearchOptions":
        native = _core.SearchOptions()
        for name, value in asdict(self).items():
            setattr(native, name, value)
        return native


__all__ = ["SearchOptions"]
