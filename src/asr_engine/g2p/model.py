"""The graphone model: training, files, pronunciation.

A thin layer over the native ``_core.g2p.GraphoneModel`` (see
``csrc/g2p/graphone_model.h``): options are dataclasses, words are
normalised and checked here (:mod:`.spelling`), files are written atomically.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping, Optional, Sequence, Union

from .. import _core
from ..cache import atomic_write
from ..errors import InvalidArgumentError
from .spelling import normalize_spelling

_g2p = _core.g2p

PathLike = Union[str, "os.PathLike[str]"]
LexiconLike = Union[Mapping[str, Sequence[Sequence[str]]], Iterable[tuple[str, Sequence[str]]]]


@dataclass(frozen=True)
class G2pTrainOptions:
    """How a model is trained (mirrors ``asr::g2p::G2pTrainOptions``)."""

    order: int = 6             #: graphone n-gram order, 1..6 (the MKN estimator's range)
    max_letters: int = 2       #: letters per graphone, 1..2
    max_phones: int = 2        #: phones per graphone, 1..2
    silent_letters: bool = True  #: letters may stand for no phone ("e" -> nothing)
    many_to_many: bool = True  #: allow graphones of 2 letters and 2 phones
    iterations: int = 10       #: EM iterations of the alignment
    penalize_long: bool = True  #: final alignment prefers short graphones (-2.5 points of word error on CMUdict)
    right_to_left: bool = True  #: also train the right-to-left model that rescores the n best (twice the training)


@dataclass(frozen=True)
class PronounceOptions:
    """Search settings (mirrors ``asr::g2p::PronounceOptions``)."""

    beam: int = 16           #: hypotheses kept per letter position (at least 4 n)
    beam_width: float = 10.0  #: and only those within this many nats of the best
    sum_segmentations: bool = False  #: score a pronunciation by all its segmentations, not the best
    rescore: int = 3          #: left-to-right candidates the right-to-left model rescores (0: none)
    threads: int = 2          #: threads that share a :meth:`GraphoneModel.pronounce_many` batch


def _entries(lexicon: LexiconLike) -> list[tuple[str, list[str]]]:
    if isinstance(lexicon, Mapping):
        pairs = ((w, p) for w, prons in lexicon.items() for p in prons)
    else:
        pairs = iter(lexicon)
    return [(w, p.split() if isinstance(p, str) else list(p)) for w, p in pairs]


class GraphoneModel:
    """Joint-sequence G2P model: an n-gram over graphones (letter chunks with
    their phones), trained from a pronunciation dictionary.

    Immutable and thread-safe; :meth:`pronounce` releases the GIL.
    """

    def __init__(self, native: "_g2p.GraphoneModel", report: Optional[dict] = None,
                 options: PronounceOptions = PronounceOptions()) -> None:
        self._native = native
        self._letters = native.letters
        #: What training did (``None`` for a loaded model): ``entries``,
        #: ``unaligned``, ``graphones`` (distinct graphones of the final
        #: alignments, the n-gram's words), ``candidate_graphones`` (those EM
        #: kept with non-zero probability), ``ngrams`` per order, seconds.
        self.report = report
        self.options = options

    @classmethod
    def train(cls, lexicon: LexiconLike, options: G2pTrainOptions = G2pTrainOptions()) -> "GraphoneModel":
        """Align ``lexicon`` (word -> pronunciations, or ``(word, phones)``
        pairs; phones as a list or a space-separated string) by EM and
        estimate the graphone n-gram with modified Kneser-Ney.

        Raises:
            InvalidArgumentError: bad options, an empty lexicon, or a word or
                phone the model cannot represent.
        """
        entries = _entries(lexicon)
        if not entries:
            raise InvalidArgumentError("cannot train a G2P model on an empty lexicon")
        native, report = _g2p.GraphoneModel.train(entries, **asdict(options))
        return cls(native, report)

    @classmethod
    def load(cls, path: PathLike) -> "GraphoneModel":
        """Open a file written by :meth:`save` (memory-mapped, checksummed).

        Raises:
            NotFoundError: no such file.
            FormatError: not a G2P model, another format version, or corrupt.
        """
        return cls(_g2p.GraphoneModel.load(os.fspath(path)))

    def save(self, path: PathLike) -> None:
        """Write the model to ``path`` atomically (temporary file, rename)."""
        atomic_write(path, self._native.save)

    def pronounce(self, word: str, n: int = 1) -> list[tuple[str, float]]:
        """Up to ``n`` distinct pronunciations of ``word``, best first, as
        ``(space-separated phones, ln P(word, pronunciation))``; with a
        right-to-left model (:attr:`bidirectional`), the score is the mean of
        the two directions' ln P.

        ``word`` is normalised as :mod:`asr_engine.g2p.spelling` says
        (InvalidArgumentError for what cannot be pronounced).
        """
        return self.pronounce_many([word], n)[0]

    def pronounce_many(self, words: Sequence[str], n: int = 1) -> list[list[tuple[str, float]]]:
        """:meth:`pronounce` for each word, in one native call."""
        if isinstance(words, str):
            raise InvalidArgumentError("pronounce_many takes a sequence of words, not one str")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 1000:
            raise InvalidArgumentError(f"n must be an integer from 1 to 1000, not {n!r}")
        spellings = [normalize_spelling(w, self._letters) for w in words]
        o = self.options
        results = self._native.pronounce_many(spellings, n, o.beam, o.beam_width, o.sum_segmentations, o.rescore,
                                               o.threads)
        return [[(" ".join(phones), score) for phones, score in r] for r in results]

    def score(self, word: str, phones: Union[str, Sequence[str]]) -> float:
        """ln P(word, pronunciation) under the left-to-right model alone (the
        best graphone segmentation); ``-inf`` if no segmentation spells both."""
        phones = phones.split() if isinstance(phones, str) else list(phones)
        return self._native.score(normalize_spelling(word, self._letters), phones, self.options.sum_segmentations)

    @property
    def bidirectional(self) -> bool:
        """Whether a right-to-left model rescores the n best."""
        return self._native.right_to_left is not None

    @property
    def letters(self) -> str:
        """The alphabet the model can spell with."""
        return self._letters

    @property
    def phones(self) -> list[str]:
        """The phones the model can output."""
        return self._native.phones

    @property
    def order(self) -> int:
        return self._native.order

    @property
    def ngram_counts(self) -> list[int]:
        """Graphone n-grams per order."""
        return self._native.ngram_counts

    def __repr__(self) -> str:
        return f"GraphoneModel(order={self.order}, ngrams={self.ngram_counts})"
