"""Malformed ARPA, Sphinx lm.bin and our binary: clear FormatError, never a crash."""
from __future__ import annotations

import sys
from pathlib import Path

import random
import re

import pytest

from asr_engine.errors import FormatError, NotFoundError
from asr_engine.lm import NgramModel, train_ngram

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lm_corpus helper, however pytest imports us
from lm_corpus import PS_DATA, corpus  # noqa: E402

GOOD = """\\data\\
ngram 1=4
ngram 2=2

\\1-grams:
-1.0\t<s>\t-0.5
-0.5\t</s>
-0.7\thello\t-0.2
-0.9\t<unk>

\\2-grams:
-0.3\t<s> hello
-0.2\thello </s>

\\end\\
"""


def load_text(tmp_path, text: str, name: str = "bad.arpa") -> NgramModel:
    p = tmp_path / name
    p.write_text(text)
    return NgramModel.load(p)


def expect_error(tmp_path, text: str, line: int | None, *fragments: str) -> str:
    with pytest.raises(FormatError) as ei:
        load_text(tmp_path, text)
    msg = str(ei.value)
    assert "bad.arpa" in msg
    if line is not None:
        assert f"line {line}:" in msg, msg
    for f in fragments:
        assert f in msg, msg
    assert ei.value.code == 400
    return msg


def test_good_file_loads(tmp_path):
    m = load_text(tmp_path, GOOD)
    assert m.counts == [4, 2]
    assert m.score("hello") == pytest.approx(-0.3 + -0.2)


def test_missing_data_header(tmp_path):
    expect_error(tmp_path, GOOD.replace("\\data\\", "\\dat\\"), None, "no \\data\\")


def test_empty_file(tmp_path):
    expect_error(tmp_path, "", None, "no \\data\\")


def test_no_counts(tmp_path):
    expect_error(tmp_path, "\\data\\\n\n\\1-grams:\n-1\ta\n\n\\end\\\n", 3, "ngram 1=")


def test_counts_out_of_order(tmp_path):
    expect_error(tmp_path, GOOD.replace("ngram 2=2", "ngram 3=2"), 3, "out of order")


def test_bad_count_value(tmp_path):
    expect_error(tmp_path, GOOD.replace("ngram 2=2", "ngram 2=two"), 3, "ngram")


def test_too_few_ngrams(tmp_path):
    # Declared 5 unigrams, 4 present: the blank line after them is line 10.
    expect_error(tmp_path, GOOD.replace("ngram 1=4", "ngram 1=5"), 10, "has 4 n-grams", "declares 5")


def test_too_many_ngrams(tmp_path):
    expect_error(tmp_path, GOOD.replace("ngram 1=4", "ngram 1=3"), 9, "more n-grams in the \\1-grams:")


def test_too_many_in_last_section(tmp_path):
    expect_error(tmp_path, GOOD.replace("ngram 2=2", "ngram 2=1"), 13, "more n-grams in the \\2-grams:")


def test_missing_section(tmp_path):
    text = GOOD.split("\\2-grams:")[0] + "\\end\\\n"
    expect_error(tmp_path, text, 11, "\\end\\ before the \\2-grams: section")


def test_missing_end(tmp_path):
    expect_error(tmp_path, GOOD.replace("\\end\\\n", ""), None, "missing \\end\\")


def test_truncated(tmp_path):
    text = GOOD[: GOOD.index("hello </s>")]
    expect_error(tmp_path, text, 13, "truncated")
    expect_error(tmp_path, GOOD[: GOOD.index("\\2-grams:")], 10, "unexpected end of file", "\\2-grams:")


def test_non_numeric_probability(tmp_path):
    expect_error(tmp_path, GOOD.replace("-0.7\thello", "abc\thello"), 8, "expected a number", "'abc'")


def test_non_numeric_backoff(tmp_path):
    expect_error(tmp_path, GOOD.replace("hello\t-0.2", "hello\t-0.2x"), 8, "back-off weight", "'-0.2x'")


def test_nan_probability(tmp_path):
    expect_error(tmp_path, GOOD.replace("-0.9\t<unk>", "nan\t<unk>"), 9, "nan")


def test_wrong_field_count(tmp_path):
    expect_error(tmp_path, GOOD.replace("-0.3\t<s> hello", "-0.3\t<s>"), 12, "fields")


def test_unknown_word_in_bigram(tmp_path):
    expect_error(tmp_path, GOOD.replace("<s> hello", "<s> world"), 12, "'world'", "not in the \\1-grams:")


def test_duplicate_unigram(tmp_path):
    expect_error(tmp_path, GOOD.replace("-0.9\t<unk>", "-0.9\thello"), 9, "duplicate unigram 'hello'")


def test_duplicate_bigram(tmp_path):
    msg = expect_error(tmp_path, GOOD.replace("hello </s>", "<s> hello"), None, "duplicate 2-gram '<s> hello'")
    assert "lines 12 and 13" in msg


def test_order_above_six(tmp_path):
    counts = "".join(f"ngram {k}=1\n" for k in range(1, 8))
    expect_error(tmp_path, "\\data\\\n" + counts, 8, "order 7")


def test_shared_not_enough_ngrams():
    with pytest.raises(FormatError) as ei:
        NgramModel.load(PS_DATA / "not-enough-ngrams.arpa")
    assert re.search(r"not-enough-ngrams\.arpa, line \d+: ", str(ei.value))


def test_shared_too_many_ngrams():
    with pytest.raises(FormatError) as ei:
        NgramModel.load(PS_DATA / "too-many-ngrams.arpa")
    assert "too-many-ngrams.arpa, line 9: order 7" in str(ei.value)


def test_missing_file(tmp_path):
    with pytest.raises(NotFoundError):
        NgramModel.load(tmp_path / "nope.arpa")


def test_positive_log_probability_is_clamped(tmp_path):
    m = load_text(tmp_path, GOOD.replace("-0.7\thello", "0.5\thello"))
    assert m.score("hello", bos=False, eos=False) == 0.0


# -- Sphinx lm.bin ---------------------------------------------------------

@pytest.mark.parametrize("name", ["not-enough-ngrams.lm.bin", "too-many-ngrams.lm.bin"])
def test_shared_bad_lm_bin(name):
    with pytest.raises(FormatError) as ei:
        NgramModel.load(PS_DATA / name)
    assert name in str(ei.value)


def test_truncated_lm_bin(tmp_path):
    data = (PS_DATA / "turtle.lm.bin").read_bytes()
    for cut in [20, 24, 100, 300_000, len(data) - 2000, len(data) - 1]:
        p = tmp_path / "cut.lm.bin"
        p.write_bytes(data[:cut])
        with pytest.raises(FormatError, match="cut.lm.bin"):
            NgramModel.load(p)


def test_corrupted_lm_bin_never_crashes(tmp_path):
    data = (PS_DATA / "turtle.lm.bin").read_bytes()
    rng = random.Random(1)
    p = tmp_path / "fuzz.lm.bin"
    outcomes = {"ok": 0, "error": 0}
    for _ in range(150):
        b = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            # Bias towards the header, counts, pointers and word strings.
            region = rng.choice([(19, 40), (len(data) - 6000, len(data)), (0, len(data))])
            i = rng.randrange(*region)
            b[i] = rng.randrange(256)
        p.write_bytes(bytes(b))
        try:
            m = NgramModel.load(p)
            m.score("the turtle is here")
            outcomes["ok"] += 1
        except FormatError:
            outcomes["error"] += 1
    assert outcomes["error"] > 0


# -- our binary --------------------------------------------------------------

@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    path = tmp_path_factory.mktemp("bin") / "m.asrlm"
    train_ngram(corpus(200), order=4).save(path)
    return path.read_bytes()


def test_binary_roundtrip(binary, tmp_path):
    p = tmp_path / "m.asrlm"
    p.write_bytes(binary)
    m = NgramModel.load(p)
    ref = train_ngram(corpus(200), order=4)
    for s in corpus(50)[-50:]:
        assert m.score(s) == ref.score(s)


@pytest.mark.parametrize("cut", [0, 7, 64, 127, 128, 1000, -8, -1])
def test_truncated_binary(binary, tmp_path, cut):
    p = tmp_path / "cut.asrlm"
    p.write_bytes(binary[:cut] if cut >= 0 else binary[: len(binary) + cut])
    with pytest.raises(FormatError, match="cut.asrlm"):
        NgramModel.load(p)


def test_binary_bad_magic_version_checksum(binary, tmp_path):
    p = tmp_path / "x.asrlm"
    b = bytearray(binary)
    b[8] = 99  # version
    p.write_bytes(bytes(b))
    with pytest.raises(FormatError, match="unsupported version 99"):
        NgramModel.load(p)
    b = bytearray(binary)
    b[len(b) // 2] ^= 0x40
    p.write_bytes(bytes(b))
    with pytest.raises(FormatError, match="checksum"):
        NgramModel.load(p)
    b = bytearray(binary)
    b[0:8] = b"ASRNGLM\x1a"
    b[3] = ord("X")
    p.write_bytes(bytes(b))
    # Wrong magic: not our format, so it is read as ARPA text and rejected.
    with pytest.raises(FormatError):
        NgramModel.load(p)


def test_corrupted_binary_never_crashes(binary, tmp_path):
    # Without the checksum, structural validation alone must stop bad indices.
    rng = random.Random(2)
    p = tmp_path / "fuzz.asrlm"
    errors = 0
    for _ in range(300):
        b = bytearray(binary)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(128 if rng.random() < 0.3 else len(b))
            b[i] = rng.randrange(256)
        p.write_bytes(bytes(b))
        try:
            m = NgramModel(p, verify_checksum=False)
            for s in ["the boy saw the red ball", "zyzzyva", ""]:
                m.score(s)
                m.full_scores(s)
        except FormatError:
            errors += 1
    assert errors > 0


def test_corrupted_levels_never_crash(binary, tmp_path):
    # The n-gram records (the last ~40% of this file) are not read at load
    # without verify_checksum: every field read from them is clamped instead.
    rng = random.Random(3)
    p = tmp_path / "levels.asrlm"
    start = len(binary) * 2 // 3
    sentences = ["the boy saw the red ball", "a girl found the small box in the garden", "zyzzyva the", ""]
    changed = 0
    for _ in range(100):
        b = bytearray(binary)
        for _ in range(rng.randint(1, 16)):
            b[rng.randrange(start, len(b))] = rng.randrange(256)
        p.write_bytes(bytes(b))
        m = NgramModel(p, verify_checksum=False)  # only the header and index are checked
        for s in sentences:
            m.score(s)
            m.full_scores(s)
        st = m.begin_state()
        for w in "the boy saw the red ball".split():
            _, st = m.score_word(st, w)
        m.final(st)
        for k in range(1, m.order + 1):
            n = m.stored_counts[k - 1]
            for i in {0, n // 2, n - 1}:
                try:
                    m.ngram_at(k, i)
                except FormatError:
                    pass
        try:
            m.write_arpa(tmp_path / "out.arpa")
        except FormatError:
            changed += 1
        with pytest.raises(FormatError, match="checksum"):
            NgramModel(p, verify_checksum=True)
    assert changed > 0  # the ARPA writer notices broken structure


def test_index_corruption_detected_without_full_checksum(binary, tmp_path):
    # The vocabulary, unigrams and codebooks are checksummed on every load.
    p = tmp_path / "index.asrlm"
    for offset in [300, 2000, len(binary) // 3]:
        b = bytearray(binary)
        b[offset] ^= 0x10
        p.write_bytes(bytes(b))
        with pytest.raises(FormatError, match="checksum"):
            NgramModel(p, verify_checksum=False)
