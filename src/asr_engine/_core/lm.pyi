"""
Language models (n-gram, interpolation, boosts).
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['BoostedModel', 'BuiltImage', 'CallbackModel', 'CustomizedModel', 'FORMAT_VERSION', 'InterpolatedModel', 'NgramModel', 'OpenVocabularyModel', 'State', 'WordSequenceModel', 'build_from_arpa_text', 'build_from_file', 'image_from_bytes', 'num_ngram_states', 'sniff_lm_file', 'train_mkn']
class State:
    """
    Opaque position of a word-sequence model; hashable, comparable.
    """
    def __eq__(self, arg0: State) -> bool:
        ...
    def __getstate__(self) -> tuple[int, int, int, int]:
        ...
    def __hash__(self) -> int:
        ...
    def __init__(self, slots: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, arg0: tuple) -> None:
        ...
    @property
    def slots(self) -> tuple[int, int, int, int]:
        ...
class WordSequenceModel:
    """
    Common interface of n-gram, interpolated and boosted models. Scores are log10.
    """
    def __contains__(self, arg0: str) -> bool:
        ...
    def begin_state(self) -> State:
        """
        State after <s> (start of a sentence).
        """
    def final(self, state: State) -> float:
        """
        log10 P(</s> | state).
        """
    def index(self, word: str) -> int:
        """
        Word id of `word` (the <unk> id if unknown).
        """
    def null_state(self) -> State:
        """
        State with no left context.
        """
    def perplexity(self, sentence: str) -> float:
        """
        10^(-log10 P / (words + 1)), as kenlm.Model.perplexity.
        """
    def score(self, sentence: str, bos: bool = True, eos: bool = True) -> float:
        """
        log10 probability of a whitespace-tokenised sentence (as kenlm.Model.score).
        """
    def score_batch(self, sentences: collections.abc.Iterable, bos: bool = True, eos: bool = True) -> numpy.typing.NDArray[numpy.float64]:
        """
        log10 scores of many sentences (numpy float64), without the GIL.
        """
    def score_word(self, state: State, word: typing.Any) -> tuple[float, State]:
        """
        (log10 P(word | state), next state); word is a str or id.
        """
    def word(self, id: typing.SupportsInt | typing.SupportsIndex) -> str:
        ...
    def words(self) -> list[str]:
        """
        All words, in id order.
        """
    @property
    def bos_id(self) -> int:
        ...
    @property
    def eos_id(self) -> int:
        ...
    @property
    def unk_id(self) -> int:
        ...
    @property
    def vocab_size(self) -> int:
        ...
class BuiltImage:
    """
    A compiled n-gram image (internal).
    """
class NgramModel(WordSequenceModel):
    """
    Back-off n-gram model with KenLM semantics. Python-facing scores are log10.
    """
    @staticmethod
    def score(sentence, bos = True, eos = True) -> float:
        """
        log10 probability of a whitespace-tokenised sentence (as kenlm.Model.score): conditioned on <s> when bos, </s> scored when eos.
        """
    @typing.overload
    def __init__(self, path: str, verify_checksum: bool = True) -> None:
        ...
    @typing.overload
    def __init__(self, image: BuiltImage) -> None:
        ...
    def full_scores(self, sentence: str, bos: bool = True, eos: bool = True) -> list:
        """
        [(log10 prob, matched n-gram length, oov)] per word, as kenlm.Model.full_scores.
        """
    def image_view(self) -> tuple[memoryview, typing.Any]:
        """
        (memoryview of the binary image, owner) - for saving; keep `owner` while using the view.
        """
    def ngram_at(self, order: typing.SupportsInt | typing.SupportsIndex, index: typing.SupportsInt | typing.SupportsIndex) -> tuple[list, float, float]:
        """
        (words, log10 prob, log10 back-off) of the index-th stored n-gram of that order.
        """
    def ngram_logprob(self, words: collections.abc.Sequence[str]) -> float:
        """
        log10 P(words[-1] | words[:-1]) with no sentence-start assumption.
        """
    def score_batch(self, sentences: collections.abc.Iterable, bos: bool = True, eos: bool = True) -> numpy.typing.NDArray[numpy.float64]:
        ...
    def write_arpa(self, path: str) -> None:
        """
        Write the model as ARPA text (log10).
        """
    @property
    def counts(self) -> list[int]:
        """
        N-gram counts as the source file declares them (ARPA \\data\\, lm.bin header).
        """
    @property
    def name(self) -> str:
        ...
    @property
    def order(self) -> int:
        ...
    @property
    def stored_counts(self) -> list[int]:
        """
        N-grams actually stored per order (adds <unk>/<s>/</s> and blank contexts if missing; drops lm.bin's unused slots).
        """
class InterpolatedModel(WordSequenceModel):
    """
    (1 - weight) P_base + weight P_custom, in the probability domain; weight is the custom share.
    """
    def __init__(self, base: WordSequenceModel, custom: WordSequenceModel, weight: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def weight(self) -> float:
        ...
class BoostedModel(WordSequenceModel):
    """
    Adds per-word and per-phrase log10 bonuses to a wrapped model.
    """
    def __init__(self, inner: WordSequenceModel, words: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex]], phrases: collections.abc.Sequence[tuple[collections.abc.Sequence[str], typing.SupportsFloat | typing.SupportsIndex]]) -> None:
        ...
    def word_bonus(self, word: str) -> float:
        """
        log10 bonus of a single word.
        """
class CallbackModel(WordSequenceModel):
    """
    A word-sequence model implemented in Python (see kenlm_backend).
    """
    def __init__(self, impl: typing.Any, words: collections.abc.Sequence[str]) -> None:
        ...
class OpenVocabularyModel(WordSequenceModel):
    """
    A model plus new words, each with a context-independent log10 probability.
    """
    def __init__(self, inner: WordSequenceModel, words: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex]]) -> None:
        ...
    @property
    def inner_size(self) -> int:
        ...
class CustomizedModel(WordSequenceModel):
    """
    (1 - l(s)) P_base + l(s) P_custom with a share l per custom-model state.
    """
    def __init__(self, base: WordSequenceModel, custom: NgramModel, shares: typing.Annotated[numpy.typing.ArrayLike, numpy.float32]) -> None:
        ...
    def component_scores(self, sentences: collections.abc.Iterable) -> tuple[numpy.typing.NDArray[numpy.float32], numpy.typing.NDArray[numpy.float32], numpy.typing.NDArray[numpy.uint32]]:
        """
        (ln P_base, ln P_custom', custom state) of every prediction of the sentences, </s> included.
        """
def build_from_arpa_text(text: str, name: str = '<arpa text>') -> BuiltImage:
    ...
def build_from_file(path: str) -> BuiltImage:
    """
    Compile an ARPA or Sphinx lm.bin file.
    """
def image_from_bytes(data: bytes, name: str) -> BuiltImage:
    """
    An n-gram image from the bytes of our binary format (copied).
    """
def num_ngram_states(model: NgramModel) -> int:
    """
    States of an n-gram model (contexts + the empty one).
    """
def sniff_lm_file(arg0: bytes) -> str:
    ...
def train_mkn(sentences: collections.abc.Iterable, order: typing.SupportsInt | typing.SupportsIndex = 3, extra_words: collections.abc.Sequence[str] = [], fallback: typing.Annotated[collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], "FixedSize(3)"] = [0.5, 1.0, 1.5]) -> tuple[BuiltImage, list]:
    """
    Estimate an interpolated modified Kneser-Ney model; returns (image, [(D1, D2, D3+, fallback) per order]).
    """
FORMAT_VERSION: int = 2
