"""Interpolation, boosts and the KenLM backend."""
from __future__ import annotations

import sys
from pathlib import Path

import math
import random

import kenlm
import pytest

from asr_engine.errors import InvalidArgumentError
from asr_engine.lm import (
    InterpolatedModel,
    KenlmModel,
    NgramModel,
    State,
    train_ngram,
    with_boosts,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lm_corpus helper, however pytest imports us
from lm_corpus import generated, markov, query_sentences, transcripts  # noqa: E402


@pytest.fixture(scope="module")
def base():
    return train_ngram(transcripts() + markov(1500, seed=3), order=3)


@pytest.fixture(scope="module")
def custom():
    return train_ngram(generated(400) + ["the zorblax engine starts", "a zorblax is blue"], order=2)


def sentences(model, n=400, seed=1):
    return query_sentences(model.words(), n, seed=seed) + ["zorblax zorblax the boy", "the zorblax engine starts"]


def word_scores(model, sentence):
    """log10 scores of each word and </s>, through the state API."""
    st = model.begin_state()
    out = []
    for w in sentence.split():
        p, st = model.score_word(st, w)
        out.append(p)
    out.append(model.final(st))
    return out


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.85, 1.0])
def test_interpolation_is_a_probability_mixture(base, custom, weight):
    mix = InterpolatedModel(base, custom, weight)
    for s in sentences(base):
        pb, pc = word_scores(base, s), word_scores(custom, s)
        expect = 0.0
        for a, b in zip(pb, pc):
            p = (1 - weight) * 10**a + weight * 10**b
            expect += math.log10(p)
        assert mix.score(s) == pytest.approx(expect, abs=1e-4), s
        assert sum(word_scores(mix, s)) == pytest.approx(mix.score(s), abs=1e-4)


def test_interpolation_endpoints(base, custom):
    for s in sentences(base, 100):
        assert InterpolatedModel(base, custom, 0.0).score(s) == pytest.approx(base.score(s), abs=1e-4)


def test_interpolated_vocabulary(base, custom):
    mix = InterpolatedModel(base, custom, 0.5)
    assert "zorblax" not in base and "zorblax" in custom and "zorblax" in mix
    for w in ["the", "boy", "<s>", "</s>", "<unk>"]:
        assert mix.index(w) == base.index(w)  # base ids are kept
    assert mix.index("zorblax") >= base.vocab_size
    assert mix.vocab_size == len(set(base.words()) | set(custom.words()))


def test_interpolation_weight_checked(base, custom):
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(InvalidArgumentError):
            InterpolatedModel(base, custom, bad)


def count_occurrences(tokens, phrase):
    n = len(phrase)
    return sum(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def test_boost_totals_are_exact(base):
    words = {"boy": 0.5, "zorblax": 1.5, "the": -0.25}
    phrases = {"the boy": 2.0, "boy was there": 1.0, "was there when the sun": 3.0, "a b a": 0.7}
    boosted = with_boosts(base, words, phrases)
    rng = random.Random(3)
    texts = sentences(base, 300) + [
        "the boy was there when the sun rose",
        "the boy the boy was there",
        "a b a b a",
        "was there when the",
        "the zorblax boy",
    ]
    for _ in range(300):  # sentences dense in (partial) phrases
        texts.append(" ".join(rng.choice(["the", "boy", "was", "there", "when", "sun", "a", "b"])
                              for _ in range(rng.randint(1, 12))))
    for s in texts:
        toks = s.split()
        bonus = sum(words.get(t, 0.0) for t in toks)
        bonus += sum(b * count_occurrences(toks, p.split()) for p, b in phrases.items())
        assert boosted.score(s) == pytest.approx(base.score(s) + bonus, abs=1e-4), s
        assert sum(word_scores(boosted, s)) == pytest.approx(boosted.score(s), abs=1e-4)


def test_phrase_credit_is_paid_along_the_way(base):
    boosted = with_boosts(base, phrases={"the boy was there": 4.0})
    assert boosted.score("the boy was there") == pytest.approx(base.score("the boy was there") + 4.0, abs=1e-4)
    # Half-way through the phrase, half of the bonus is already visible.
    st = boosted.begin_state()
    bst = base.begin_state()
    total_b = total = 0.0
    for w in ["the", "boy"]:
        p, st = boosted.score_word(st, w)
        q, bst = base.score_word(bst, w)
        total, total_b = total + p, total_b + q
    assert total - total_b == pytest.approx(2.0, abs=1e-4)
    # ... and taken back if the phrase breaks off.
    p, st = boosted.score_word(st, "rose")
    q, bst = base.score_word(bst, "rose")
    assert total + p - (total_b + q) == pytest.approx(0.0, abs=1e-4)


def test_boosted_oov_word_gets_an_id(base):
    boosted = with_boosts(base, {"zorblax": 2.0})
    assert "zorblax" not in base and "zorblax" in boosted
    assert boosted.score("zorblax", bos=False, eos=False) == pytest.approx(
        base.score("<unk>", bos=False, eos=False) + 2.0, abs=1e-5
    )
    assert boosted.score("qqq", bos=False, eos=False) == pytest.approx(base.score("qqq", bos=False, eos=False))


def test_boosts_on_interpolated_model(base, custom):
    mix = InterpolatedModel(base, custom, 0.4)
    boosted = mix.with_boosts({"zorblax": 1.0}, {"zorblax engine": 2.0})
    s = "the zorblax engine starts"
    assert boosted.score(s) == pytest.approx(mix.score(s) + 3.0, abs=1e-4)


def test_foreign_states_rejected(base, custom):
    with pytest.raises(InvalidArgumentError):
        base.score_word(State([10**9, 0, 0, 0]), "the")
    with pytest.raises(InvalidArgumentError):
        base.final(State([1, 1, 0, 0]))
    mix = InterpolatedModel(base, custom, 0.5)
    with pytest.raises(InvalidArgumentError):
        mix.score_word(State([0, 0, 0, 7]), "the")
    with pytest.raises(InvalidArgumentError):
        base.score_word(base.begin_state(), 10**7)


def test_states_are_hashable_and_picklable(base):
    import pickle

    a = base.begin_state()
    _, b = base.score_word(a, "the")
    assert {a: 1, b: 2}[pickle.loads(pickle.dumps(b))] == 2


@pytest.fixture(scope="module")
def arpa(base, tmp_path_factory):
    path = tmp_path_factory.mktemp("kenlm") / "base.arpa"
    base.write_arpa(path)
    return path


def test_kenlm_backend_state_api(arpa):
    ours = NgramModel.load(arpa)
    ken = KenlmModel(arpa)
    assert ken.vocab_size == ours.vocab_size
    for s in sentences(ours, 300):
        assert word_scores(ken, s) == pytest.approx(word_scores(ours, s), abs=1e-5)
        assert ken.score(s) == pytest.approx(ours.score(s), abs=1e-4)


def test_kenlm_backend_native_bridge(arpa, custom):
    ours = NgramModel.load(arpa)
    ken = KenlmModel(arpa)
    native = ken.as_native()
    mix_k = InterpolatedModel(ken, custom, 0.3)
    mix_o = InterpolatedModel(ours, custom, 0.3)
    for s in sentences(ours, 200, seed=2):
        assert native.score(s) == pytest.approx(ours.score(s), abs=1e-4)
        assert mix_k.score(s) == pytest.approx(mix_o.score(s), abs=1e-4)
    # Batch scoring releases the GIL; the callback takes it back per word.
    batch = native.score_batch(sentences(ours, 50, seed=3))
    assert list(batch) == pytest.approx([ours.score(s) for s in sentences(ours, 50, seed=3)], abs=1e-4)


def test_kenlm_backend_binary_needs_words(arpa, tmp_path):
    # A KenLM binary cannot list its words: ids come from `words` or on demand.
    ken = KenlmModel(arpa, words=["the", "boy"])
    assert ken.index("the") == 3 and ken.index("newword") == ken.vocab_size - 1
    assert "the" in ken and "newword" not in ken


def test_models_are_shareable_between_threads(base, custom):
    # Models are immutable; batch scoring releases the GIL.
    from concurrent.futures import ThreadPoolExecutor

    mix = InterpolatedModel(base, custom, 0.25).with_boosts({"boy": 0.5}, {"the boy": 1.0})
    texts = sentences(base, 400, seed=8)
    expect = [list(m.score_batch(texts)) for m in (base, mix)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: list((base, mix)[i % 2].score_batch(texts)), range(16)))
    for i, r in enumerate(results):
        assert r == expect[i % 2]
