"""Custom language models: exact normalization of the combination (brute
force over a tiny vocabulary), shares and weights, files, bad input."""
import math

import numpy as np
import pytest

from asr_engine.errors import AsrError, FormatError, InvalidArgumentError, NotFoundError
from asr_engine.lm import CustomLanguageModel, CustomWord, OpenVocabularyModel, train_ngram

BASE_TEXT = """the cat sat on the mat
a dog sat on a log
the dog saw the cat
a cat saw a dog on the mat
the mat was red
""".splitlines()

CUSTOM_TEXT = """the zorblax sat on the mat
a zorblax saw the cat
the cat saw a quux
the quux sat
a dog saw a zorblax
the zorblax was red
""".splitlines()


def _total(model, state):
    """Sum of P(w | state) over every word but <s>, plus P(</s> | state)."""
    total = 10 ** model.final(state)
    for w in model.words():
        if w in ("<s>", "</s>"):
            continue
        total += 10 ** model.score_word(state, w)[0]
    return total


def _states(model, sentences):
    out = [model.begin_state(), model.null_state()]
    for s in sentences:
        st = model.begin_state()
        for w in s.split():
            _p, st = model.score_word(st, w)
            out.append(st)
    return out


@pytest.fixture(scope="module")
def base():
    return train_ngram(BASE_TEXT, 3)


def test_base_is_normalized(base):
    for st in _states(base, BASE_TEXT[:2]):
        assert _total(base, st) == pytest.approx(1.0, abs=1e-4)


def test_open_vocabulary_model_is_normalized(base):
    m = OpenVocabularyModel(base, {"zorblax": -1.0, "quux": None})
    assert "zorblax" in m and "quux" in m
    assert m.score_word(m.begin_state(), "zorblax")[0] == pytest.approx(-1.0, abs=1e-5)
    for st in _states(m, ["the zorblax sat on the mat", "a quux saw the cat"]):
        assert _total(m, st) == pytest.approx(1.0, abs=1e-4)


def test_open_vocabulary_model_rejects_known_and_heavy_words(base):
    with pytest.raises(InvalidArgumentError):
        OpenVocabularyModel(base, {"cat": -2.0})
    with pytest.raises(InvalidArgumentError):
        OpenVocabularyModel(base, {"a1": -0.1, "a2": -0.1, "a3": -0.1, "a4": -0.1})  # sums above 1
    with pytest.raises(InvalidArgumentError):
        OpenVocabularyModel(base, {"z": 0.5})


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.7, 1.0])
def test_customized_model_is_normalized(base, weight):
    custom = CustomLanguageModel.train(CUSTOM_TEXT, [CustomWord("zorblax"), CustomWord("quux", log10_prob=-2.0),
                                                     CustomWord("blorp")], base=base)
    m = custom.combine(base, weight)
    assert {"zorblax", "quux", "blorp"} <= set(m.words())
    for st in _states(m, CUSTOM_TEXT + BASE_TEXT):
        assert _total(m, st) == pytest.approx(1.0, abs=1e-4)


def test_weight_moves_toward_the_custom_model(base):
    custom = CustomLanguageModel.train(CUSTOM_TEXT, [CustomWord("zorblax"), CustomWord("quux")], base=base)
    s = "the zorblax sat on the mat"
    scores = [custom.combine(base, w).score(s) for w in (0.0, 0.3, 0.6, 1.0)]
    assert scores == sorted(scores)
    assert scores[-1] == pytest.approx(custom.ngram.score(s), abs=1e-3)
    shares = custom.shares(0.3)
    assert shares.min() >= 0 and shares.max() <= 1
    assert np.all(custom.shares(0.6) >= shares)
    with pytest.raises(InvalidArgumentError):
        custom.shares(1.5)


def test_save_and_load_round_trip(base, tmp_path):
    custom = CustomLanguageModel.train(CUSTOM_TEXT, [CustomWord("zorblax", ["Z AO R B L AE K S"], "Zorblax")],
                                       base=base)
    path = tmp_path / "m.clm"
    custom.save(path)
    again = CustomLanguageModel.load(path)
    assert again.digest == custom.digest
    assert again.words["zorblax"].display_as == "Zorblax"
    s = "a zorblax saw the cat"
    assert again.combine(base, 0.3).score(s) == pytest.approx(custom.combine(base, 0.3).score(s), abs=1e-6)


def test_bad_files(tmp_path):
    with pytest.raises(NotFoundError):
        CustomLanguageModel.load(tmp_path / "none.clm")
    bad = tmp_path / "bad.clm"
    bad.write_bytes(b"not a model at all, really not")
    with pytest.raises(FormatError):
        CustomLanguageModel.load(bad)


def test_truncated_file_is_a_format_error(base, tmp_path):
    custom = CustomLanguageModel.train(CUSTOM_TEXT, [], base=base)
    path = tmp_path / "m.clm"
    custom.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(AsrError):
        CustomLanguageModel.load(path)


def test_words_only_model_reaches_new_words(base):
    custom = CustomLanguageModel.train([], [CustomWord("zorblax")], base=base)
    m = custom.combine(base, 0.3)
    from asr_engine.lm.vocabulary_model import DEFAULT_WORD_LOG10_PROB

    assert m.score_word(m.begin_state(), "zorblax")[0] == pytest.approx(DEFAULT_WORD_LOG10_PROB, abs=1e-4)
    assert math.isfinite(m.score("the zorblax sat"))


def test_corpus_words_get_a_low_base_probability_and_user_words_a_high_one(base):
    from asr_engine.lm.custom import DEFAULT_CORPUS_WORD_LOG10_PROB
    from asr_engine.lm.vocabulary_model import DEFAULT_WORD_LOG10_PROB

    custom = CustomLanguageModel.train(CUSTOM_TEXT, [CustomWord("zorblax"), CustomWord("blorp")], base=base)
    probs = dict(custom.new_word_probs(base))
    assert probs["zorblax"] == DEFAULT_CORPUS_WORD_LOG10_PROB  # in the corpus
    assert probs["quux"] == DEFAULT_CORPUS_WORD_LOG10_PROB     # corpus word without a CustomWord
    assert probs["blorp"] == DEFAULT_WORD_LOG10_PROB           # user word, not in the corpus


def test_many_new_words_cannot_swamp_the_base(base):
    words = [CustomWord(f"w{i}") for i in range(5000)]
    custom = CustomLanguageModel.train([], words, base=base)
    total = sum(10 ** p for _w, p in custom.new_word_probs(base))
    assert total == pytest.approx(0.2, rel=1e-3)
    m = custom.combine(base, 0.3)
    assert math.isfinite(m.score("the cat sat"))
