"""Pronunciation dictionary: CMUdict parsing, noise words, phone checks, caching."""
from __future__ import annotations

import os
import threading
import time

import pytest

from asr_engine.acoustic import AcousticModel
from asr_engine.dictionary import Dictionary
from asr_engine.errors import FormatError, InvalidArgumentError, NotFoundError
from asr_engine.model import default_dictionary_path

from conftest import PSX


@pytest.fixture(scope="module")
def model(en_us_model_dir):
    return AcousticModel.load(str(en_us_model_dir))


@pytest.fixture(scope="module")
def cmudict(model, tmp_path_factory):
    return Dictionary.load(default_dictionary_path(), phones=model, cache_dir=str(tmp_path_factory.mktemp("cache")))


def write(tmp_path, text, name="test.dict"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_cmudict(cmudict):
    assert len(cmudict) > 125_000
    assert cmudict.lookup("forward") == [["F", "AO", "R", "W", "ER", "D"]]
    assert cmudict.lookup("a") == [["AH"], ["EY"]]  # a, a(2)
    assert cmudict.lookup("a(2)") == [["EY"]]
    assert [p.label for p in cmudict.pronunciations("was")] == ["was", "was(2)"]
    assert cmudict.lookup("'bout") == [["B", "AW", "T"]]
    assert cmudict.lookup("nonexistentword") == []
    assert "meters" in cmudict and "Meters" not in cmudict  # case-sensitive, like Sphinx
    assert cmudict.missing(["go", "zzyzx", "go", "qqq"]) == ["zzyzx", "qqq"]


def test_noise_words(cmudict):
    assert set(cmudict.filler_words) == {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"}
    (p,) = cmudict.pronunciations("[NOISE]")
    assert p.phones == ("+NSN+",) and p.filler
    assert cmudict.lookup("<sil>") == [["SIL"]]


def test_defective_dic_names_word_and_line(model):
    with pytest.raises(FormatError) as info:
        Dictionary.load(str(PSX / "defective.dic"), phones=model, cache=False)
    msg = str(info.value)
    assert "defective.dic" in msg and "line 1" in msg and "'go'" in msg and "'g'" in msg


def test_unknown_phone_later_line(model, tmp_path):
    path = write(tmp_path, "hello HH AH L OW\nworld W ER L D\nbad B XX D\n")
    with pytest.raises(FormatError, match=r"line 3: word 'bad' uses phone 'XX'"):
        Dictionary.load(path, phones=model, cache=False)


def test_alternates_comments_and_blank_lines(model, tmp_path):
    path = write(tmp_path, (
        ";;; CMUdict-style comment\n"
        "## sphinx comment\n"
        "# hash comment\n"
        "\n"
        "tomato T AH M EY T OW\n"
        "tomato(2) T AH M AA T OW   # British\n"
        "tomato(3)\tT AH M AE T OW\r\n"
        "late(2) L EY T ER\n"  # an alternate whose base comes later
        "late L EY T\n"
    ))
    d = Dictionary.load(path, phones=model, cache=False)
    assert d.lookup("tomato") == [["T", "AH", "M", "EY", "T", "OW"], ["T", "AH", "M", "AA", "T", "OW"],
                                  ["T", "AH", "M", "AE", "T", "OW"]]
    assert d.lookup("late") == [["L", "EY", "T"], ["L", "EY", "T", "ER"]]
    assert len(d) == 2 + 5  # two words plus the model's noise words


@pytest.mark.parametrize("text, fragment", [
    ("word\n", "no pronunciation"),
    ("word W ER D\nword W ER D\n", "duplicate"),
    ("word(2) W ER D\nword(2) W ER D\n", "duplicate"),
    ("word(0) W ER D\n", "alternate"),
])
def test_malformed_entries(model, tmp_path, text, fragment):
    with pytest.raises(FormatError, match=fragment):
        Dictionary.load(write(tmp_path, text), phones=model, cache=False)


def test_turtle_dic(model):
    d = Dictionary.load(str(PSX / "turtle.dic"), phones=model, cache=False)
    assert d.lookup("backwards") == [["B", "AE", "K", "W", "ER", "D", "Z"]]
    assert len(d.lookup("around")) == 2


def test_missing_file(model, tmp_path):
    with pytest.raises(NotFoundError):
        Dictionary.load(str(tmp_path / "none.dict"), phones=model)


def test_add_word(model, tmp_path):
    d = Dictionary.load(write(tmp_path, "go G OW\n"), phones=model, cache=False)
    d.add_word("sphinx", "S F IH NG K S")
    assert d.lookup("sphinx") == [["S", "F", "IH", "NG", "K", "S"]]
    d.add_word("go", ["G", "OW", "W"])
    assert [p.label for p in d.pronunciations("go")] == ["go", "go(2)"]
    d.add_word("go", ["G", "OW"])  # already known: no new variant
    assert len(d.lookup("go")) == 2
    with pytest.raises(InvalidArgumentError, match="'QQ'"):
        d.add_word("bad", ["B", "QQ"])
    with pytest.raises(InvalidArgumentError):
        d.add_word("two words", ["T"])
    with pytest.raises(InvalidArgumentError):
        d.add_word("empty", [])
    assert "bad" not in d


def test_empty_dictionary(model):
    d = Dictionary.empty(model)
    assert d.lookup("<sil>") == [["SIL"]]
    d.add_word("hi", "HH AY")
    assert "hi" in d


def test_cache_is_written_and_reused(model, tmp_path):
    src = write(tmp_path, "go G OW\nforward F AO R W ER D\n")
    cache_dir = tmp_path / "cache"
    d1 = Dictionary.load(src, phones=model, cache_dir=str(cache_dir))
    caches = list(cache_dir.iterdir())
    assert len(caches) == 1 and caches[0].suffix == ".bin"
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".tmp")]
    mtime = caches[0].stat().st_mtime_ns
    d2 = Dictionary.load(src, phones=model, cache_dir=str(cache_dir))
    assert caches[0].stat().st_mtime_ns == mtime  # read, not rewritten
    assert d2.lookup("forward") == d1.lookup("forward")
    assert d2.filler_words == d1.filler_words
    # Editing the source invalidates the cache.
    time.sleep(0.01)
    with open(src, "a") as f:
        f.write("ten T EH N\n")
    os.utime(src, ns=(time.time_ns(), time.time_ns() + 10**9))
    d3 = Dictionary.load(src, phones=model, cache_dir=str(cache_dir))
    assert "ten" in d3


def test_damaged_cache_is_rebuilt(model, tmp_path):
    src = write(tmp_path, "go G OW\n")
    cache_dir = tmp_path / "cache"
    Dictionary.load(src, phones=model, cache_dir=str(cache_dir))
    (cache,) = cache_dir.iterdir()
    cache.write_bytes(cache.read_bytes()[:40])
    d = Dictionary.load(src, phones=model, cache_dir=str(cache_dir))
    assert d.lookup("go") == [["G", "OW"]]
    assert cache.stat().st_size > 40


def test_cache_needs_same_phone_set(model, tmp_path):
    d = Dictionary.load(write(tmp_path, "go G OW\n"), phones=model, cache=False)
    d.add_word("new", "N UW")
    path = tmp_path / "saved.bin"
    d.save_cache(str(path))
    again = Dictionary.load_cache(str(path), model)
    assert again.lookup("new") == [["N", "UW"]] and again.lookup("go") == [["G", "OW"]]
    with pytest.raises(FormatError, match="phone set"):
        Dictionary.load_cache(str(path), model.phones[:-1])
    for keep in (0, 7, 20, 200, path.stat().st_size - 1):
        damaged = tmp_path / f"damaged{keep}.bin"
        damaged.write_bytes(path.read_bytes()[:keep])
        with pytest.raises(FormatError):
            Dictionary.load_cache(str(damaged), model)


def test_unwritable_cache_dir_is_not_an_error(model, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    d = Dictionary.load(write(tmp_path, "go G OW\n"), phones=model, cache_dir=str(blocker / "sub"))
    assert "go" in d


def test_compiled_cmudict_loads_fast(model, cmudict, tmp_path):
    path = tmp_path / "cmudict.bin"
    cmudict.save_cache(str(path))
    start = time.perf_counter()
    d = Dictionary.load_cache(str(path), model)
    elapsed = time.perf_counter() - start
    assert len(d) == len(cmudict)
    assert d.lookup("zymurgy") == cmudict.lookup("zymurgy")
    print(f"binary cmudict load: {elapsed * 1000:.1f} ms")


def test_lookups_while_adding(model, tmp_path):
    d = Dictionary.load(write(tmp_path, "go G OW\n"), phones=model, cache=False)
    errors = []

    def reader():
        try:
            for _ in range(2000):
                assert d.lookup("go") == [["G", "OW"]]
                d.lookup("w500")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(1000):
        d.add_word(f"w{i}", "W AH N")
    for t in threads:
        t.join()
    assert not errors
    assert d.lookup("w999") == [["W", "AH", "N"]]
