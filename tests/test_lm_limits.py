"""The data limits of a custom language model (§2.7): 10 million total words
from all sources and 90,000 custom (OOV) words, at the service's values
where that costs no huge file (generated uploads held in memory), and at
lowered Store limits for the boundaries and the analysis-time checks."""
from __future__ import annotations

import io
import itertools
import random
import uuid

import pytest

from asr_engine import AsrError
from asr_engine.customization import Store
from asr_engine.customization.lm_limits import MAX_CUSTOM_WORDS, MAX_TOTAL_WORDS, lower_bound_words
from asr_engine.errors import InvalidArgumentError
from asr_engine.lm.corpus import analyze_corpus
from asr_engine.watson import SpeechToText
from watson_helpers import wait_model

BASE = "en-US_BroadbandModel"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("store"))
    yield s
    s.close()


def client(store) -> SpeechToText:
    return SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")


def new_model(stt) -> str:
    return stt.create_language_model("limits", BASE)["customization_id"]


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def fake_words(n: int) -> list[str]:
    """``n`` distinct letter strings no dictionary has ('zqxaaaa', ...)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["zqx" + "".join(t) for t in itertools.islice(itertools.product(letters, repeat=4), n)]


class GeneratedCorpus(io.RawIOBase):
    """A corpus upload generated on read: ``words`` words, 20 to a line."""

    def __init__(self, words: int) -> None:
        self.left = words

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        lines, self.left = divmod(self.left, 20)
        out = b"the cat sat on the mat and the dog ran off with a bone to the park in the rain\n" * lines
        out += b"word " * self.left
        self.left = 0
        return out


def test_the_defaults_are_the_services_and_bad_settings_are_refused(tmp_path):
    assert (MAX_TOTAL_WORDS, MAX_CUSTOM_WORDS) == (10_000_000, 90_000)
    with Store(tmp_path / "ok") as s:
        assert (s.max_total_words, s.max_custom_words) == (MAX_TOTAL_WORDS, MAX_CUSTOM_WORDS)
    for bad in (0, -1, 1.5, "10", True, None):
        with pytest.raises(InvalidArgumentError):
            Store(tmp_path / "bad", max_total_words=bad)
        with pytest.raises(InvalidArgumentError):
            Store(tmp_path / "bad", max_custom_words=bad)


def test_more_than_90000_words_added_directly_is_400_and_adds_nothing(store):
    stt = client(store)
    cid = new_model(stt)
    words = [{"word": w} for w in fake_words(MAX_CUSTOM_WORDS + 1)]
    e = error_of(stt.add_words, cid, words)
    assert e.code == 400 and "no more than 90 thousand custom (OOV) words" in e.message
    assert "adds 90001 new ones" in e.message
    assert stt.list_words(cid) == {"words": []}
    assert stt.get_language_model(cid)["status"] == "pending"
    stt.add_word(cid, "zorblax")  # the refused request left the model usable
    assert [w["word"] for w in stt.list_words(cid)["words"]] == ["zorblax"]


def test_a_corpus_of_more_than_10_million_words_is_400_before_anything_is_stored(store):
    stt = client(store)
    cid = new_model(stt)
    e = error_of(stt.add_corpus, cid, "huge", GeneratedCorpus(MAX_TOTAL_WORDS + 1))
    assert e.code == 400 and "maximum of 10 million total words from all sources combined" in e.message
    assert "has at least 10000001" in e.message
    assert stt.list_corpora(cid) == {"corpora": []}
    assert stt.get_language_model(cid)["status"] == "pending"


def test_a_corpus_with_more_than_90000_new_words_is_undetermined(store):
    stt = client(store)
    cid = new_model(stt)
    words = fake_words(MAX_CUSTOM_WORDS + 1)
    text = "\n".join(" ".join(words[i:i + 10]) for i in range(0, len(words), 10))
    stt.add_corpus(cid, "many", text.encode())
    wait_model(stt, cid)
    corpus = stt.get_corpus(cid, "many")
    assert corpus["status"] == "undetermined"
    assert "no more than 90 thousand custom (OOV) words" in corpus["error"]
    assert corpus["total_words"] == 0 and corpus["out_of_vocabulary_words"] == 0
    assert stt.list_words(cid) == {"words": []}


def test_boundaries_at_lowered_limits(tmp_path):
    with Store(tmp_path, max_total_words=25, max_custom_words=3) as s:
        stt = client(s)
        cid = new_model(stt)
        stt.add_words(cid, [{"word": w} for w in ("zorblax", "blorp", "quux")])  # exactly 3
        wait_model(stt, cid)
        stt.add_word(cid, "blorp", sounds_like=["blor pee"])  # replacing is not a new word
        e = error_of(stt.add_word, cid, "frobnitz")
        assert e.code == 400 and "no more than 3 custom (OOV) words" in e.message
        assert len(stt.list_words(cid)["words"]) == 3

        # Total words: 3 added directly + a corpus of 10 = 13 of 25.
        stt.add_corpus(cid, "ten", b"one two three four five six seven eight nine ten")
        wait_model(stt, cid)
        assert stt.get_corpus(cid, "ten")["status"] == "analyzed"
        # 13 + 13 plain words: refused at once, nothing stored.
        e = error_of(stt.add_corpus, cid, "more", b"a b c d e f g h i j k l m")
        assert e.code == 400 and "maximum of 25 total words" in e.message and "has at least 13" in e.message
        assert [c["name"] for c in stt.list_corpora(cid)["corpora"]] == ["ten"]
        # Replacing a corpus frees its words: 3 + 12 fits.
        stt.add_corpus(cid, "ten", b"a b c d e f g h i j k l", allow_overwrite=True)
        wait_model(stt, cid)
        assert stt.get_corpus(cid, "ten")["total_words"] == 12
        # Two tokens that are 22 words once spelled out: found by the analysis.
        stt.add_corpus(cid, "numbers", b"1234567 1234567")
        wait_model(stt, cid)
        corpus = stt.get_corpus(cid, "numbers")
        assert corpus["status"] == "undetermined" and corpus["total_words"] == 0
        assert "maximum of 25 total words" in corpus["error"] and "the corpus 'numbers' has 22" in corpus["error"]


def test_a_grammar_past_the_custom_words_limit_is_undetermined(tmp_path):
    abnf = b"#ABNF 1.0;\nlanguage en-US;\nroot $cmd;\n$cmd = call (zorblax | blorp);\n"
    with Store(tmp_path, max_custom_words=2) as s:
        stt = client(s)
        cid = new_model(stt)
        stt.add_word(cid, "quux")
        stt.add_grammar(cid, "g", abnf, "application/srgs")
        wait_model(stt, cid)
        grammar = stt.get_grammar(cid, "g")
        assert grammar["status"] == "undetermined"
        assert "no more than 2 custom (OOV) words" in grammar["error"]
        assert [w["word"] for w in stt.list_words(cid)["words"]] == ["quux"]


SAMPLES = ["Hello, world!", "I paid $100 (not counted) for 2 things.", "well - known _ / -- ' '' \"",
           "1,234,567.89 and 3.5% of €5", "Mr. Smith etc. 21st", "（fullwidth） ² ℃ ﬁne e\u0301", "[a [b] c] {d} <e>",
           "don't 'quoted' o'er", "\u0301 \u200b ... !!! ??", "tab\tand\x0bvertical\x1cseparated\u2028line"]


def test_the_lower_bound_never_exceeds_the_analysis():
    # The analysis is the oracle: on the samples and on random strings of
    # the characters the normalization treats specially.
    for text in SAMPLES:
        assert lower_bound_words(text) <= analyze_corpus(text, set()).total_words, text
    alphabet = list("ab1 0.,$%€-_/'()[]<>{}\n\t") + ["²", "℃", "\u0301", "ﬁ", "Mr.", "etc. ", "st"]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
        assert lower_bound_words(text) <= analyze_corpus(text, set()).total_words, repr(text)
    plain = "the cat sat on the mat\n" * 100
    assert lower_bound_words(plain) == analyze_corpus(plain, set()).total_words == 600
    # Counted in chunks: any chunk size gives the same count (cuts fall after whitespace).
    for text in SAMPLES + [plain, "x" * 5000 + "\u2028y z", " a\tb\n"]:
        for size in (-5, 0, 1, 2, 3, 7, 64):
            assert lower_bound_words(text, size) == lower_bound_words(text), (text, size)
