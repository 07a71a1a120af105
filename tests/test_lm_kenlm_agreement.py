"""NgramModel against KenLM (the oracle) on ARPA files we train ourselves."""
from __future__ import annotations

import sys
from pathlib import Path

import math

import kenlm
import pytest

from asr_engine.lm import NgramModel, train_ngram

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lm_corpus helper, however pytest imports us
from lm_corpus import corpus, query_sentences  # noqa: E402

N_SENTENCES = 10_000


@pytest.fixture(scope="module", params=[3, 5, 6], ids=["order3", "order5", "order6"])
def models(request, tmp_path_factory):
    order = request.param
    trained = train_ngram(corpus(), order=order)
    arpa = tmp_path_factory.mktemp(f"o{order}") / f"train{order}.arpa"
    trained.write_arpa(arpa)
    return order, NgramModel.load(arpa), kenlm.Model(str(arpa)), trained


def test_arpa_has_all_orders(models):
    order, ours, ken, _ = models
    assert ours.order == ken.order == order
    assert all(c > 0 for c in ours.counts)
    assert len(ours.counts) == order


def test_sentence_scores_match_kenlm(models):
    order, ours, ken, _ = models
    sentences = query_sentences(ours.words(), N_SENTENCES)
    assert len(sentences) >= N_SENTENCES
    worst = 0.0
    lengths = set()
    for s in sentences:
        for bos in (True, False):
            for eos in (True, False):
                a = ken.score(s, bos=bos, eos=eos)
                b = ours.score(s, bos=bos, eos=eos)
                worst = max(worst, abs(a - b))
        ka = list(ken.full_scores(s))
        ob = ours.full_scores(s)
        assert [(n, oov) for _, n, oov in ka] == [(n, oov) for _, n, oov in ob], s
        lengths.update(n for _, n, _ in ka)
    assert worst < 1e-4, worst
    # The queries really exercise every order (4- and 5-grams for order 5).
    assert lengths == set(range(1, order + 1))


def test_batch_equals_single(models):
    _, ours, _, _ = models
    sentences = query_sentences(ours.words(), 500, seed=3)
    batch = ours.score_batch(sentences, bos=True, eos=False)
    single = [ours.score(s, bos=True, eos=False) for s in sentences]
    assert list(batch) == pytest.approx(single, abs=0)


def test_state_api_matches_kenlm(models):
    _, ours, ken, _ = models
    for s in query_sentences(ours.words(), 300, seed=5):
        ks = kenlm.State()
        ken.BeginSentenceWrite(ks)
        st = ours.begin_state()
        for w in s.split() + ["</s>"]:
            out = kenlm.State()
            a = ken.BaseScore(ks, w, out)
            if w == "</s>":
                b = ours.final(st)
            else:
                b, st = ours.score_word(st, w)
            assert a == pytest.approx(b, abs=1e-5)
            ks = out


def test_perplexity_matches_kenlm(models):
    _, ours, ken, _ = models
    for s in query_sentences(ours.words(), 200, seed=9):
        assert ours.perplexity(s) == pytest.approx(ken.perplexity(s), rel=1e-4)


def test_trained_model_equals_its_arpa(models):
    _, ours, _, trained = models
    for s in query_sentences(ours.words(), 1000, seed=13):
        assert trained.score(s) == pytest.approx(ours.score(s), abs=1e-5)


def test_equal_histories_give_equal_states(models):
    # State minimisation: what the decoder recombines on.
    _, ours, _, _ = models
    s1 = ours.begin_state()
    for w in "zyzzyva the boy".split():
        _, s1 = ours.score_word(s1, w)
    s2 = ours.null_state()
    for w in "a rare dish near the boy".split():
        _, s2 = ours.score_word(s2, w)
    for w in ["saw", "was", "</s>", "zzz"]:
        assert ours.score_word(s1, w)[0] == ours.score_word(s2, w)[0]
    # Different right context -> possibly different states, but same scores.
    assert hash(ours.begin_state()) == hash(ours.begin_state())
    assert math.isfinite(ours.final(s1))


NO_UNK = """\\data\\
ngram 1=3
ngram 2=2

\\1-grams:
-1.0\t<s>\t-0.5
-0.5\t</s>
-0.7\thello\t-0.2

\\2-grams:
-0.3\t<s> hello
-0.2\thello </s>

\\end\\
"""


def test_missing_unk_as_kenlm(tmp_path):
    # KenLM substitutes log10 p(<unk>) = -100 when the ARPA lacks <unk>.
    path = tmp_path / "nounk.arpa"
    path.write_text(NO_UNK)
    ours, ken = NgramModel.load(path), kenlm.Model(str(path))
    for s in ["hello", "foo", "hello foo hello", "foo foo", "<unk>", ""]:
        for bos in (True, False):
            for eos in (True, False):
                assert ours.score(s, bos=bos, eos=eos) == pytest.approx(ken.score(s, bos=bos, eos=eos), abs=1e-4)
        assert [x[1:] for x in ours.full_scores(s)] == [x[1:] for x in ken.full_scores(s)]
