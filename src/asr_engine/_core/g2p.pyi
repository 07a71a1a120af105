"""
Joint-sequence (graphone) G2P: alignment, training, decoding.
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['FORMAT_VERSION', 'GraphoneModel', 'align_lexicon']
class GraphoneModel:
    @staticmethod
    def load(path: str) -> GraphoneModel:
        ...
    @staticmethod
    def train(entries: collections.abc.Sequence[tuple[str, collections.abc.Sequence[str]]], order: typing.SupportsInt | typing.SupportsIndex = 6, max_letters: typing.SupportsInt | typing.SupportsIndex = 2, max_phones: typing.SupportsInt | typing.SupportsIndex = 2, silent_letters: bool = True, many_to_many: bool = True, iterations: typing.SupportsInt | typing.SupportsIndex = 10, penalize_long: bool = True, right_to_left: bool = True) -> tuple[GraphoneModel, dict]:
        """
        Returns (model, report dict).
        """
    def pronounce(self, spelling: str, nbest: typing.SupportsInt | typing.SupportsIndex = 1, beam: typing.SupportsInt | typing.SupportsIndex = 16, beam_width: typing.SupportsFloat | typing.SupportsIndex = 10.0, sum_segmentations: bool = False, rescore: typing.SupportsInt | typing.SupportsIndex = 3) -> list:
        """
        [(phones, ln P)] best first.
        """
    def pronounce_many(self, spellings: collections.abc.Sequence[str], nbest: typing.SupportsInt | typing.SupportsIndex = 1, beam: typing.SupportsInt | typing.SupportsIndex = 16, beam_width: typing.SupportsFloat | typing.SupportsIndex = 10.0, sum_segmentations: bool = False, rescore: typing.SupportsInt | typing.SupportsIndex = 3, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> list:
        """
        pronounce() for many spellings in one native call, split between `threads` threads.
        """
    def save(self, path: str) -> None:
        ...
    def score(self, spelling: str, phones: collections.abc.Sequence[str], sum_segmentations: bool = False) -> float:
        """
        ln P(spelling, phones) under this direction alone; -inf if no segmentation spells both.
        """
    @property
    def letters(self) -> str:
        ...
    @property
    def max_letters(self) -> int:
        ...
    @property
    def ngram_counts(self) -> list[int]:
        ...
    @property
    def order(self) -> int:
        ...
    @property
    def phones(self) -> list[str]:
        ...
    @property
    def right_to_left(self) -> GraphoneModel:
        """
        The right-to-left rescoring model, or None.
        """
def align_lexicon(entries: collections.abc.Sequence[tuple[str, collections.abc.Sequence[str]]], max_letters: typing.SupportsInt | typing.SupportsIndex = 2, max_phones: typing.SupportsInt | typing.SupportsIndex = 2, silent_letters: bool = True, many_to_many: bool = True, iterations: typing.SupportsInt | typing.SupportsIndex = 10, penalize_long: bool = True) -> dict:
    """
    EM-align [(spelling, phones)]; returns {sentences, unaligned, log_likelihood, graphones, candidate_graphones}.
    """
FORMAT_VERSION: int = 2
