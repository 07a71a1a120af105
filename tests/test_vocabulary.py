"""The vocabulary API: Recognizer(dictionary=...), with_words, missing_words,
custom models in recognition, display_as, case-insensitive grammar words."""
import logging
import threading

import pytest

import asr_engine as ae
from asr_engine.errors import InvalidArgumentError
from asr_engine.lm import CustomLanguageModel, CustomWord

from conftest import DEV

UTT = "cathy_a0068_1592746992"  # "in a flash philip followed its direction"
WORD = "flash"


@pytest.fixture(scope="module")
def rec():
    return ae.Recognizer()


@pytest.fixture(scope="module")
def without_word(rec, tmp_path_factory):
    """A recognizer whose dictionary lacks WORD (the LM still has it)."""
    src = ae.model.default_dictionary_path()
    path = tmp_path_factory.mktemp("dict") / "no-flash.dict"
    with open(src, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for line in f:
            head = line.split(" ", 1)[0]
            if head != WORD and not head.startswith(WORD + "("):
                out.write(line)
    return ae.Recognizer(dictionary=ae.Dictionary.load(str(path), cache=False))


def test_dictionary_object_is_accepted(rec):
    r = ae.Recognizer(dictionary=rec.dictionary, language_model=rec.language_model)
    assert r.dictionary is rec.dictionary
    with pytest.raises(InvalidArgumentError):
        ae.Recognizer(dictionary=42)


def test_removed_word_is_missing_and_comes_back(rec, without_word, caplog):
    assert WORD in without_word.missing_words
    assert WORD not in without_word.recognize(DEV / f"{UTT}.wav").transcript.split()
    prons = rec.dictionary.lookup(WORD)
    with caplog.at_level(logging.WARNING, logger="asr_engine"):
        again = without_word.with_words({WORD: [" ".join(p) for p in prons]})
    assert WORD not in again.missing_words
    assert WORD in again.recognize(DEV / f"{UTT}.wav").transcript.split()
    # The original is unchanged, and the same request is served from the cache.
    assert WORD not in without_word.dictionary
    assert without_word.with_words({WORD: [" ".join(p) for p in prons]}) is again


def test_missing_words_are_logged(without_word, caplog, rec):
    with caplog.at_level(logging.WARNING, logger="asr_engine"):
        ae.Recognizer(dictionary=without_word.dictionary, language_model=rec.language_model)
    assert any(WORD in r.getMessage() for r in caplog.records if r.name == "asr_engine")


def test_new_word_gets_a_language_model_probability(rec):
    r = rec.with_words({"zorblax": "Z AO R B L AE K S"})
    assert "zorblax" in r.language_model and "zorblax" not in rec.language_model
    assert r.num_words == rec.num_words + 1
    p = r.language_model.score_word(r.language_model.null_state(), "zorblax")[0]
    assert p == pytest.approx(ae.lm.vocabulary_model.DEFAULT_WORD_LOG10_PROB, abs=1e-4)
    r2 = rec.with_words({"zorblax": "Z AO R B L AE K S"}, log10_prob=-3.0)
    assert r2.language_model.score_word(r2.language_model.null_state(), "zorblax")[0] == pytest.approx(-3.0, abs=1e-4)


@pytest.mark.parametrize("words", [
    {"zorblax": "Z QQ R"},          # unknown phone
    {"": "Z AO R"},                 # empty word
    {"two words": "T UW"},          # not one token
    {"zorblax": ""},                # empty pronunciation
    ["zorblax"],                    # not a mapping
])
def test_bad_words(rec, words):
    with pytest.raises(ae.AsrError):
        rec.with_words(words)


def test_customized_recognition_shows_display_as(rec):
    text = ["in a flash philip followed its direction"] * 3 + ["the flash was bright", "philip ran"] * 3
    model = CustomLanguageModel.train(text, [CustomWord("flash", display_as="FLASH")],
                                      base=rec.language_model)
    custom = rec.customized(model)
    assert rec.customized(model) is custom  # cached
    res = custom.recognize(DEV / f"{UTT}.wav")
    assert "FLASH" in res.transcript.split()
    assert any(w.word == "FLASH" for w in res.words)
    with pytest.raises(InvalidArgumentError):
        rec.customized(model, customization_weight=2.0)


def test_network_cache_builds_once_under_threads():
    from asr_engine.network_cache import NetworkCache

    cache = NetworkCache(maxsize=2)
    calls = []

    def build():
        calls.append(1)
        return object()

    out = []
    threads = [threading.Thread(target=lambda: out.append(cache.get("k", build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(o) for o in out}) == 1
    cache.get("a", build)
    cache.get("b", build)
    assert len(cache) == 2 and len(calls) == 3


def test_upper_case_grammar_words_match(rec):
    res = rec.recognize(DEV / f"{UTT}.wav", grammar="#JSGF V1.0;\ngrammar g;\npublic <s> = IN A FLASH PHILIP FOLLOWED ITS DIRECTION;\n")
    assert res.transcript == "IN A FLASH PHILIP FOLLOWED ITS DIRECTION"


def test_extended_network_decodes_like_a_full_build(rec):
    words = {"zorblax": "Z AO R B L AE K S", "flash": "F L AE SH IH"}
    fast = rec.with_words(words)
    full_native = ae._core.RecognitionModel(rec.acoustic_model.native, fast.dictionary.native, fast.language_model)
    assert full_native.num_words == fast.num_words
    assert fast.missing_words == list(full_native.missing_words)
    slow = ae.Recognizer(dictionary=fast.dictionary, language_model=fast.language_model)
    for utt in (UTT, "cathy_a0069_1592747062"):
        path = DEV / f"{utt}.wav"
        if path.exists():
            assert fast.recognize(path).transcript == slow.recognize(path).transcript


def test_word_without_pronunciation_uses_the_g2p(rec):
    from asr_engine.g2p import pronounce

    r = rec.with_words({"kubernetes": None})
    assert r.dictionary.lookup("kubernetes") == [pronounce("kubernetes")[0].split()]
    assert "kubernetes" in r.language_model
