"""MKN training against a slow, direct reference computation."""
from __future__ import annotations

import sys
from pathlib import Path

import math
import random
from collections import Counter, defaultdict

import pytest

from asr_engine.errors import InvalidArgumentError
from asr_engine.lm import normalize_text, train_ngram

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lm_corpus helper, however pytest imports us
from lm_corpus import generated, markov, transcripts  # noqa: E402

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


class ReferenceMKN:
    """Interpolated modified Kneser-Ney written out as directly as possible."""

    def __init__(self, sentences, order, fallback=(0.5, 1.0, 1.5), extra=()):
        padded = [[BOS] + s.split() + [EOS] for s in sentences if s.split()]
        self.vocab = [UNK, BOS, EOS]
        for toks in padded:
            for w in toks:
                if w not in self.vocab:
                    self.vocab.append(w)
        for w in extra:
            if w not in self.vocab:
                self.vocab.append(w)
        longest = max((len(t) for t in padded), default=1)
        self.N = N = min(order, longest) if padded else 1
        raw = {k: Counter() for k in range(1, N + 1)}
        for toks in padded:
            for k in range(1, N + 1):
                for i in range(len(toks) - k + 1):
                    raw[k][tuple(toks[i : i + k])] += 1
        self.a = {N: dict(raw[N])}
        for k in range(N - 1, 0, -1):
            left = defaultdict(set)
            for g in raw[k + 1]:
                left[g[1:]].add(g[0])
            self.a[k] = {g: (c if g[0] == BOS else len(left[g])) for g, c in raw[k].items()}
        for w in self.vocab:
            self.a[1].setdefault((w,), 0)
        self.D = {}
        for k in range(1, N + 1):
            n = Counter(c for g, c in self.a[k].items() if not (k == 1 and g == (BOS,)))
            D = None
            if all(n[r] > 0 for r in (1, 2, 3, 4)):
                y = n[1] / (n[1] + 2 * n[2])
                D = (1 - 2 * y * n[2] / n[1], 2 - 3 * y * n[3] / n[2], 3 - 4 * y * n[4] / n[3])
                if not all(0 < d < r + 1 for r, d in enumerate(D)):
                    D = None
            self.D[k] = D or tuple(fallback)
        self.predictable = [w for w in self.vocab if w != BOS]
        # a[k] grouped by context: {h: {w: a(h w)}}.
        self.by_context = {k: defaultdict(dict) for k in range(2, N + 1)}
        for k in range(2, N + 1):
            for g, c in self.a[k].items():
                self.by_context[k][g[:-1]][g[-1]] = c

    def disc(self, k, c):
        return 0.0 if c == 0 else self.D[k][min(c, 3) - 1]

    def p(self, w, h=()):
        h = tuple(h)[-(self.N - 1) :] if self.N > 1 else ()
        k = len(h) + 1
        if k == 1:
            counts = {x: self.a[1][(x,)] for x in self.predictable}
            lower = 1.0 / len(self.predictable)
        else:
            counts = self.by_context[k].get(h, {})
            lower = self.p(w, h[1:])
        S = sum(counts.values())
        if S == 0:
            return lower
        n = Counter(min(c, 3) for c in counts.values() if c > 0)
        gamma = sum(self.D[k][r - 1] * n[r] for r in (1, 2, 3)) / S
        c = counts.get(w, 0)
        return max(c - self.disc(k, c), 0.0) / S + gamma * lower


@pytest.mark.parametrize(
    "order,text",
    [(1, "markov"), (2, "markov"), (3, "markov"), (4, "markov"), (3, "templates"), (5, "mixed")],
)
def test_probabilities_equal_reference(order, text):
    # "markov" gives estimated discounts at every order, "templates" mostly
    # fallback ones, "mixed" both.
    sentences = transcripts()[:40] + {
        "markov": lambda: markov(300, seed=2),
        "templates": lambda: generated(150, seed=order),
        "mixed": lambda: generated(200) + markov(200),
    }[text]()
    model = train_ngram(sentences, order=order, normalize=False, extra_words=["unseenword"])
    ref = ReferenceMKN(sentences, order, extra=["unseenword"])
    assert model.order == ref.N
    # Discounts: the same numbers, estimated or fallback.
    for k in range(1, ref.N + 1):
        assert model.discounts[k - 1][:3] == pytest.approx(ref.D[k], rel=1e-12)
    rng = random.Random(order)
    vocab = ref.predictable
    queries = []
    for k in range(1, model.order + 1):  # every stored n-gram
        for i in range(model.stored_counts[k - 1]):
            words = model.ngram_at(k, i)[0]
            if words[-1] != BOS:
                queries.append(words)
    for _ in range(300):  # unseen histories and words
        queries.append([rng.choice(ref.vocab) for _ in range(rng.randint(0, 3))] + [rng.choice(vocab)])
    for words in queries:
        expect = math.log10(ref.p(words[-1], words[:-1]))
        assert model.ngram_logprob(words) == pytest.approx(expect, abs=2e-6), words


def test_uses_estimated_discounts_when_counts_allow():
    model = train_ngram(transcripts()[:40] + markov(300, seed=2), order=4)
    assert not any(d[3] for d in model.discounts)
    assert all(0 < d[0] < 1 and 0 < d[1] < 2 and 0 < d[2] < 3 for d in model.discounts)


def contexts(model):
    """Every stored context n-gram plus the empty one and some unseen ones."""
    yield []
    for k in range(1, model.order):
        for i in range(model.stored_counts[k - 1]):
            words = model.ngram_at(k, i)[0]
            if words[-1] != EOS:
                yield words
    yield ["zyzzyva"]
    yield ["the", "zyzzyva"]


@pytest.mark.parametrize("order", [2, 3, 5])
def test_every_context_sums_to_one(order):
    model = train_ngram(transcripts()[:30] + generated(60, seed=9), order=order, extra_words=["unseenword"])
    predictable = [w for w in model.words() if w != BOS]
    n = 0
    for h in contexts(model):
        state = model.null_state()
        for w in h:
            _, state = model.score_word(state, w)
        total = math.fsum(10.0 ** model.score_word(state, w)[0] for w in predictable)
        assert total == pytest.approx(1.0, abs=1e-6), h
        n += 1
    assert n > 100


def test_begin_state_sums_to_one():
    model = train_ngram(transcripts(), order=3)
    st = model.begin_state()
    total = math.fsum(10.0 ** model.score_word(st, w)[0] for w in model.words() if w != BOS)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_short_sentences_limit_the_order():
    model = train_ngram(["a b", "b c"], order=6)
    assert model.order == 4  # <s> a b </s>


def test_empty_corpus_is_uniform():
    model = train_ngram([], order=3, extra_words=["x", "y"])
    assert model.order == 1
    assert 10 ** model.score("x", bos=False, eos=False) == pytest.approx(1 / 4)  # <unk> </s> x y


def test_sentence_markers_inside_text_rejected():
    with pytest.raises(InvalidArgumentError):
        train_ngram(["hello </s> world"], normalize=False)
    with pytest.raises(InvalidArgumentError):
        train_ngram(["x"], order=7)


def test_save_and_arpa(tmp_path):
    model = train_ngram(generated(100), order=3)
    model.save(tmp_path / "m.asrlm")
    model.write_arpa(tmp_path / "m.arpa")
    from asr_engine.lm import NgramModel

    for p in ("m.asrlm", "m.arpa"):
        other = NgramModel.load(tmp_path / p)
        for s in generated(20, seed=1):
            assert other.score(s) == pytest.approx(model.score(s), abs=1e-5)


@pytest.mark.parametrize(
    "raw,expect",
    [
        ("Hello, World!", "hello world"),
        ("It's 3.5 o\u2019clock.", "it's 3.5 o'clock"),
        ("1,000 people -- \"quoted\" 'text'", "1,000 people quoted text"),
        ("STRASSE Stra\u00dfe", "strasse strasse"),
        ("a_b  c\td\n", "a b c d"),
        ("caf\u00e9 na\u00efve", "caf\u00e9 na\u00efve"),
        ("", ""),
    ],
)
def test_normalize_text(raw, expect):
    assert normalize_text(raw) == expect


def test_training_normalizes():
    model = train_ngram(["Hello, World!", "HELLO world."], order=2)
    assert "hello" in model and "Hello," not in model
