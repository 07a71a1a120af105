"""Search options, mirrored one to one from the native ``SearchOptions``.

Defaults were chosen on the development set (``../shared/data/dev``, 205
utterances, 1,243 words) with ``benchmarks/tune_search.py``, which decodes
every utterance once per first-pass setting and rescores its lattice:

* ``language_weight`` 8 (first pass): 6.5 / 8 / 10 gave 38.05 / 37.41 / 39.26 %
  WER after rescoring (other settings at PocketSphinx's values).
* ``word_insertion_penalty`` 0.01: 0.65 / 0.2 / 0.1 / 0.05 / 0.02 / 0.01 / 0.005
  gave 37.41 / 37.01 / 36.52 / 36.20 / 35.88 / 35.80 / 35.96 % — the lattice's
  rescoring favours short hypotheses less than the first pass does, and the
  dev set's insertions (fillers, breaths) want a strong per-word cost.
* ``silence_probability`` 0.05: 0.005 / 0.05 / 0.2 gave 36.60 / 36.52 / 36.85 %
  (at wip 0.1).
* ``bestpath_language_weight`` 9.5: 8 / 9.5 / 11 / 13 gave 38.46 / 37.41 / 37.65 /
  38.37 % at lw 8; rescoring gains 4-5 points over the first pass alone.
* beams and ``max_hmms_per_frame`` are PocketSphinx's; ``max_words_per_frame``
  40 (100 gained 0.08 points at twice the time).
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
    language_weight: float = 8.0  #: multiplies LM log-probabilities
    word_insertion_penalty: float = 0.01  #: probability charged per word
    silence_probability: float = 0.05  #: charged per inserted silence
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
