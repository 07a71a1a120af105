"""Custom language models: a small n-gram model trained on a user's corpora,
the user's words, and how they are combined with the base model.

A :class:`CustomLanguageModel` is what training a custom model produces:

* an n-gram model trained on the normalized corpus sentences with our
  modified Kneser-Ney estimator (:func:`train_ngram`), its vocabulary
  including every custom word;
* the custom words (:class:`CustomWord`: pronunciations, ``display_as``,
  a probability for the words the base model lacks);
* a **share table**: how much to trust the custom model, per context.

Combination (``CustomizedModel`` in ``csrc/lm/customized_model.h``)::

    P(w | h) = (1 - l(s)) P_base(w | h) + l(s) P_custom(w | s)

where ``s`` is the custom model's context for ``h``. Plain interpolation
(``l`` constant) makes a small corpus of *other* sentences hurt: the custom
model gives almost nothing to every word it has not seen after a context,
and that costs ``ln(1 - l)`` on all of them. So ``l`` depends on the context,
and is estimated from the corpus itself rather than guessed: contexts are
grouped by their order and by how often the corpus has them (1, 2-3, 4-7,
... times), and each group's share is the one that best predicts held-out
corpus text (deleted interpolation: 5-fold cross-validation, EM on the
mixture weight, with the base model as the other component). A corpus that
resembles general English earns small shares; one with its own phrasing
(verse, a product's jargon) earns large ones where it has seen the context.

``customization_weight`` moves all shares together on the logit scale, so
the default (:data:`DEFAULT_CUSTOMIZATION_WEIGHT`, 0.3, as the IBM service's)
uses the estimated shares as they are, 0 gives the base model alone, and 1
the custom model alone::

    logit l(s) = logit l_estimated(group of s) + logit(weight) - logit(0.3)

Words the base model lacks get a context-independent probability in the
base component (``OpenVocabularyModel``), so they are reachable in every
context, and the custom model adds to it where it has seen them.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import struct
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from .. import _core
from ..cache import atomic_write
from ..errors import FormatError, InvalidArgumentError, NotFoundError
from .combine import _native
from .ngram import NgramModel
from .training import train_ngram
from .vocabulary_model import DEFAULT_WORD_LOG10_PROB

#: log10 probability, in the base component, of a corpus word the base model
#: lacks (unless its CustomWord gives one): about the median unigram of the
#: default LM, a rare word. The custom model carries it where the corpus's
#: contexts fit; a high prior here would take mass from every base word once
#: a corpus has thousands of new words.
DEFAULT_CORPUS_WORD_LOG10_PROB = -6.5
#: The most probability the new words may take from the base model's words together.
MAX_NEW_WORD_MASS = 0.2

_lm = _core.lm

#: The IBM service's default ``customization_weight``; with it the estimated shares are used as they are.
DEFAULT_CUSTOMIZATION_WEIGHT = 0.3

_MAGIC = b"ASRCLM01"
_FOLDS = 5
_COUNT_BINS = np.array([0, 1, 2, 4, 8, 16, 32, 64, 128, 256])  # group edges of context counts
_PRIOR_TOKENS = 20.0  # pseudo-count pulling a sparse group's share toward the pooled one


@dataclass
class CustomWord:
    """A word of a custom model."""

    word: str
    """The word as the recognizer hears it (lower case, as the dictionary)."""
    pronunciations: list[str] = field(default_factory=list)
    """Space-separated phone strings in the acoustic model's phone set; empty: the dictionary's or the G2P's."""
    display_as: Optional[str] = None
    """What the transcript shows instead of ``word`` (None: the word itself)."""
    log10_prob: Optional[float] = None
    """Base-model probability if the base LM lacks the word (None: :data:`DEFAULT_WORD_LOG10_PROB`)."""


@dataclass
class ShareTable:
    """Custom-model shares per context group (see the module docs)."""

    shares: list[float]
    """One share per group: group = order * len(bins) + count bin (order 0: the empty context)."""
    bins: list[int] = field(default_factory=lambda: _COUNT_BINS.tolist())

    def group(self, orders: np.ndarray, counts: np.ndarray) -> np.ndarray:
        width = len(self.bins)
        return np.minimum(orders, len(self.shares) // width - 1) * width + np.searchsorted(self.bins, counts, "right") - 1


class CustomLanguageModel:
    """A trained custom language model (see the module docs).

    Build with :meth:`train`; :meth:`save` / :meth:`load` keep it in one file
    (a JSON header with the words and shares, then the n-gram model in our
    binary LM format). Immutable; ``digest`` identifies its content (the key
    under which a :class:`asr_engine.Recognizer` caches its search network).
    """

    def __init__(self, ngram: NgramModel, words: Mapping[str, CustomWord], table: ShareTable,
                 state_counts: np.ndarray, *, info: Optional[dict] = None) -> None:
        self.ngram = ngram
        self.words: dict[str, CustomWord] = dict(words)
        self.table = table
        self._state_counts = np.asarray(state_counts, dtype=np.uint32)
        if len(self._state_counts) != _lm.num_ngram_states(ngram):
            raise FormatError("custom model: state counts do not match the n-gram model")
        self.info = dict(info or {})
        view, owner = ngram.image_view()
        try:
            h = hashlib.sha256(bytes(view))
        finally:
            view.release()
            del owner
        h.update(self._header_json().encode("utf-8"))
        self.digest = h.hexdigest()[:32]

    # -- training -----------------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        sentences: Iterable[str],
        words: Iterable[CustomWord] | Mapping[str, CustomWord] = (),
        *,
        base=None,
        order: int = 3,
    ) -> "CustomLanguageModel":
        """Train a custom model.

        Args:
            sentences: normalized sentences (as :func:`asr_engine.lm.corpus.analyze_corpus`
                gives them); may be empty for a model of words only.
            words: the custom words (corpus OOV words, user words, grammar words).
            base: the base language model the shares are estimated against
                (default: the default English LM).
            order: n-gram order of the custom model.
        """
        from . import load_default_lm

        sentences = [s for s in (" ".join(str(x).split()) for x in sentences) if s]
        if isinstance(words, Mapping):
            words = list(words.values())
        word_map: dict[str, CustomWord] = {}
        for w in words:
            if not isinstance(w, CustomWord) or not w.word or len(w.word.split()) != 1:
                raise InvalidArgumentError(f"not a custom word: {w!r}")
            word_map[w.word] = w
        base = load_default_lm() if base is None else base
        extra = sorted(word_map)
        corpus_words = sorted({t for s in sentences for t in s.split()})
        ngram = train_ngram(sentences, order, normalize=False, extra_words=extra)
        open_base = _open_base(base, _new_word_probs(base, word_map, corpus_words))
        table = _estimate_shares(sentences, open_base, order, extra) if len(sentences) >= _FOLDS else ShareTable(
            [0.0] * (order * len(_COUNT_BINS)))
        counts = _state_counts(ngram, sentences)
        info = {"sentences": len(sentences), "order": order, "words": len(word_map),
                "corpus_words": [w for w in corpus_words if w not in base]}
        return cls(ngram, word_map, table, counts, info=info)

    # -- combination --------------------------------------------------------------------------------

    def shares(self, weight: float = DEFAULT_CUSTOMIZATION_WEIGHT) -> np.ndarray:
        """The custom share of every custom-model state at ``weight`` (float32)."""
        weight = check_weight(weight)
        orders = _state_orders(self.ngram)
        base = np.asarray(self.table.shares, dtype=np.float64)[self.table.group(orders, self._state_counts)]
        if weight <= 0.0:
            return np.zeros(len(base), np.float32)
        if weight >= 1.0:
            return np.ones(len(base), np.float32)
        shift = _logit(weight) - _logit(DEFAULT_CUSTOMIZATION_WEIGHT)
        with np.errstate(divide="ignore"):
            logits = np.log(base) - np.log1p(-base) + shift
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)

    def new_word_probs(self, base) -> list[tuple[str, float]]:
        """(word, log10 p) for the custom words and corpus words ``base`` lacks."""
        return _new_word_probs(base, self.words, self.info.get("corpus_words", []))

    def combine(self, base, weight: float = DEFAULT_CUSTOMIZATION_WEIGHT):
        """The word-sequence model of ``base`` customized by this model at ``weight``."""
        open_base = _open_base(_native(base), self.new_word_probs(base))
        return _lm.CustomizedModel(open_base, self.ngram, self.shares(weight))

    # -- files --------------------------------------------------------------------------------------

    def _header_json(self) -> str:
        return json.dumps({
            "format": 1,
            "words": [vars(w) for w in sorted(self.words.values(), key=lambda w: w.word)],
            "shares": self.table.shares, "bins": self.table.bins, "info": self.info,
        }, sort_keys=True)

    def save(self, path: str | os.PathLike) -> None:
        """Write the model to one file, atomically."""
        header = self._header_json().encode("utf-8")
        counts = self._state_counts.astype("<u4").tobytes()
        view, owner = self.ngram.image_view()

        def write(tmp: str) -> None:
            with open(tmp, "wb") as f:
                f.write(_MAGIC + struct.pack("<QQ", len(header), len(counts)))
                f.write(header)
                f.write(counts)
                f.write(view)

        try:
            atomic_write(os.fspath(path), write)
        finally:
            view.release()
            del owner

    @classmethod
    def load(cls, path: str | os.PathLike) -> "CustomLanguageModel":
        """Read a file written by :meth:`save`.

        Raises:
            NotFoundError: no such file.
            FormatError: not a custom model file, or damaged.
        """
        path = os.fspath(path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise NotFoundError(f"{path}: no such file") from None
        if len(data) < 24 or data[:8] != _MAGIC:
            raise FormatError(f"{path}: not a custom language model file")
        n_header, n_counts = struct.unpack_from("<QQ", data, 8)
        if 24 + n_header + n_counts > len(data) or n_counts % 4:
            raise FormatError(f"{path}: truncated custom language model file")
        try:
            header = json.loads(data[24:24 + n_header].decode("utf-8"))
            words = {w["word"]: CustomWord(**w) for w in header["words"]}
            table = ShareTable([float(x) for x in header["shares"]], [int(x) for x in header["bins"]])
        except (ValueError, KeyError, TypeError) as e:
            raise FormatError(f"{path}: damaged custom language model header ({e})") from None
        counts = np.frombuffer(data, "<u4", n_counts // 4, 24 + n_header).astype(np.uint32)
        ngram = NgramModel(_lm.image_from_bytes(data[24 + n_header + n_counts:], path))
        return cls(ngram, words, table, counts, info=header.get("info"))

    def __repr__(self) -> str:
        return (f"<CustomLanguageModel {len(self.words)} words, {self.info.get('sentences', 0)} sentences, "
                f"digest {self.digest[:12]}>")


# -- helpers --------------------------------------------------------------------------------------------


def _logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def check_weight(weight) -> float:
    """``weight`` as a float in [0, 1], or InvalidArgumentError."""
    if isinstance(weight, bool):
        raise InvalidArgumentError(f"customization_weight must be a number from 0 to 1, not {weight!r}")
    try:
        w = float(weight)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"customization_weight must be a number from 0 to 1, not {weight!r}") from None
    if not 0.0 <= w <= 1.0:  # also NaN
        raise InvalidArgumentError(f"customization_weight must be from 0 to 1, not {weight!r}")
    return w


def _new_word_probs(base, words: Mapping[str, CustomWord], corpus_words: Sequence[str]) -> list[tuple[str, float]]:
    """(word, log10 p) for the words ``base`` lacks: a CustomWord's own
    probability, else the corpus-word default for words of the corpus, else
    the added-word default; scaled down together if they would take more than
    :data:`MAX_NEW_WORD_MASS` from the base words."""
    in_corpus = set(corpus_words)
    out: dict[str, float] = {}
    for w in list(words) + list(corpus_words):
        if w in out or w in base or w in ("<s>", "</s>", "<unk>"):
            continue
        cw = words.get(w)
        if cw is not None and cw.log10_prob is not None:
            out[w] = float(cw.log10_prob)
        else:
            out[w] = DEFAULT_CORPUS_WORD_LOG10_PROB if w in in_corpus else DEFAULT_WORD_LOG10_PROB
    mass = sum(10.0 ** p for p in out.values())
    if mass > MAX_NEW_WORD_MASS:
        shift = math.log10(MAX_NEW_WORD_MASS / mass)
        out = {w: p + shift for w, p in out.items()}
    return sorted(out.items())


def _open_base(base, probs: list[tuple[str, float]]):
    base = _native(base)
    return _lm.OpenVocabularyModel(base, probs) if probs else base


def _state_orders(ngram: NgramModel) -> np.ndarray:
    """The order of each state's context (0: empty)."""
    n = _lm.num_ngram_states(ngram)
    orders = np.zeros(n, dtype=np.int64)
    start = 1
    for k in range(1, ngram.order):
        c = ngram.counts[k - 1]
        orders[start:start + c] = k
        start += c
    return orders


def _state_counts(ngram: NgramModel, sentences: list[str]) -> np.ndarray:
    """How often the corpus has each custom state's context as the history of
    a word (for the empty context: the number of predictions)."""
    from collections import Counter

    n = _lm.num_ngram_states(ngram)
    counts = np.zeros(n, dtype=np.uint32)
    order = ngram.order
    history: Counter = Counter()
    total = 0
    for s in sentences:
        toks = ["<s>"] + s.split() + ["</s>"]
        total += len(toks) - 1
        for j in range(1, len(toks)):
            for k in range(1, min(order - 1, j) + 1):
                history[tuple(toks[j - k:j])] += 1
    counts[0] = min(total, 0xFFFFFFFF)
    state = 1
    for k in range(1, order):
        for i in range(ngram.counts[k - 1]):
            words, _p, _bo = ngram.ngram_at(k, i)
            counts[state] = min(history.get(tuple(words), 0), 0xFFFFFFFF)
            state += 1
    return counts


def _estimate_shares(sentences: list[str], open_base, order: int, extra: list[str]) -> ShareTable:
    """Deleted interpolation: per context group, the mixture weight that best
    predicts held-out folds of the corpus (EM), models trained on the rest."""
    width = len(_COUNT_BINS)
    table = ShareTable([0.0] * (order * width))
    groups, ln_base, ln_custom = [], [], []
    scale = _FOLDS / (_FOLDS - 1)  # a fold model saw 4/5 of the corpus: count as the full model will
    for f in range(_FOLDS):
        train = [s for i, s in enumerate(sentences) if i % _FOLDS != f]
        held = [s for i, s in enumerate(sentences) if i % _FOLDS == f]
        ngram = train_ngram(train, order, normalize=False, extra_words=extra)
        counts = _state_counts(ngram, train)
        n = len(counts)
        probe = _lm.CustomizedModel(open_base, ngram, np.zeros(n, np.float32))
        b, c, states = probe.component_scores(held)
        g = table.group(_state_orders(ngram)[states], np.floor(counts[states] * scale).astype(np.int64))
        groups.append(g)
        ln_base.append(b.astype(np.float64))
        ln_custom.append(c.astype(np.float64))
    g = np.concatenate(groups)
    diff = np.clip(np.concatenate(ln_custom) - np.concatenate(ln_base), -60, 60)
    ratio = np.exp(diff)  # P_custom / P_base per held-out token
    n_groups = order * width
    tokens = np.bincount(g, minlength=n_groups).astype(np.float64)
    pooled, lam = 0.3, np.full(n_groups, 0.3)
    for _ in range(40):
        post_all = pooled * ratio / (pooled * ratio + 1.0 - pooled)
        pooled = float(np.clip(post_all.mean(), 1e-4, 1 - 1e-4))
        post = lam[g] * ratio / (lam[g] * ratio + 1.0 - lam[g])
        lam = (np.bincount(g, weights=post, minlength=n_groups) + _PRIOR_TOKENS * pooled) / (tokens + _PRIOR_TOKENS)
        lam = np.clip(lam, 1e-4, 1 - 1e-4)
    table.shares = [round(float(x), 6) for x in lam]
    return table
