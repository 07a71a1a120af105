"""Regression tests for issue 9 ("Hostile input"): each reproducer of the
reliability probe, now a typed error, bounded work or a correct result.

Crash-prone cases run in a subprocess, so a regression shows up as a test
failure with the exit status instead of taking the test run down.
"""
from __future__ import annotations

import gzip
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import asr_engine as ae
from asr_engine import limits
from asr_engine.errors import (AsrError, AudioError, FormatError, InvalidArgumentError, NotFoundError,
                               PayloadTooLargeError)

from conftest import DEV

WAV = DEV / "arctic_aew_a0003.wav"
H = "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n"
EMPTY_GRAMMARS = [
    "#ABNF 1.0;\nlanguage en-US;\n",
    "#JSGF V1.0;\ngrammar g;\n",
    '<?xml version="1.0"?><grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" xml:lang="en-US">'
    "</grammar>",
]


def run_isolated(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env=env)


# -- 1. empty grammar ---------------------------------------------------------------


def test_recognition_with_a_grammar_without_rules_is_empty_not_a_segfault(tmp_path):
    files = []
    for i, src in enumerate(EMPTY_GRAMMARS):
        p = tmp_path / f"g{i}.gram"
        p.write_text(src)
        files.append(str(p))
    proc = run_isolated(f"""
        import asr_engine as ae
        r = ae.Recognizer()
        for g in {EMPTY_GRAMMARS!r} + {files!r}:
            grammar = ae.compile_grammar(g)
            assert grammar.fsa is not None and grammar.empty, grammar
            res = r.recognize({str(WAV)!r}, grammar=grammar)
            assert res.transcript == "" and res.words == [], res
            assert r.recognize({str(WAV)!r}, grammar=g).transcript == ""
        print("fine")
    """)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "fine" in proc.stdout


@pytest.mark.parametrize("src", EMPTY_GRAMMARS)
def test_empty_grammar_is_a_real_automaton(src):
    g = ae.compile_grammar(src)
    assert g.fsa is not None and g.empty and g.num_states == 1 and not g.matches("yes")


def test_a_recognition_model_without_a_word_model_is_refused_natively():
    am = ae.AcousticModel.load()
    d = ae.Dictionary.load(None, am)
    with pytest.raises(InvalidArgumentError, match="word-sequence model"):
        ae._core.RecognitionModel(am.native, d.native, None)
    with pytest.raises(InvalidArgumentError, match="recognition model"):
        ae._core.Decoder(None, ae._core.SearchOptions())


# -- 2. declared counts checked before allocating ----------------------------------------


@pytest.mark.parametrize("count", [1000000000, 2147483647])
def test_arpa_declaring_more_ngrams_than_it_holds_is_refused_at_once(tmp_path, count):
    p = tmp_path / "huge.arpa"
    p.write_text(f"\\data\\\nngram 1={count}\n\n\\1-grams:\n-1 a\n-1 b\n\\end\\\n")
    assert p.stat().st_size < 80
    with pytest.raises(FormatError, match="more n-grams than the file can hold"):
        ae.lm.NgramModel.load(p)


def test_transition_matrix_count_checked_before_allocating(tmp_path, en_us_model_dir):
    import shutil

    model = tmp_path / "m"
    shutil.copytree(en_us_model_dir, model)
    data = bytearray((model / "transition_matrices").read_bytes())
    end = data.index(b"endhdr\n") + len("endhdr\n") + 4  # after the byte-order word
    # 100000 matrices of 32 x 33 states: 420 MB if allocated before checking.
    data[end:end + 16] = struct.pack("<iiii", 100000, 32, 33, 100000 * 32 * 33)
    (model / "transition_matrices").write_bytes(bytes(data))
    with pytest.raises(FormatError, match="truncated"):
        ae.AcousticModel.load(model)


def test_text_mdef_phone_count_checked_before_allocating(tmp_path):
    import shutil

    from conftest import PSX

    shutil.copytree(PSX / "an4_ci_cont", tmp_path / "m")
    (tmp_path / "m" / "mdef").write_text("0.3\n3 n_base\n10000000 n_tri\n40000012 n_state_map\n9 n_tied_state\n"
                                         "9 n_tied_ci_state\n3 n_tied_tmat\n")
    with pytest.raises(FormatError, match="too short"):
        ae.AcousticModel.load(tmp_path / "m")


# -- 3. paths: capped reads, regular files only --------------------------------------------


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_load_audio_refuses_devices(path):
    with pytest.raises(AudioError, match="not a regular file"):
        ae.load_audio(path)


def test_proc_files_say_size_zero_but_reads_stay_capped():
    # /proc files are "regular" with st_size 0: the cap applies to the read.
    with pytest.raises(PayloadTooLargeError):
        ae.load_audio("/proc/self/maps", max_bytes=16)
    with pytest.raises(AudioError):
        ae.load_audio("/proc/self/status")


def test_load_audio_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(AudioError, match="not a regular file"):
        ae.load_audio(fifo)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        ae.compile_grammar(fifo)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        ae.lm.NgramModel.load(fifo)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        ae.Dictionary.load(fifo, ["SIL", "AA"], cache=False)


def test_a_huge_cap_reserves_nothing_up_front():
    # Found by the fuzz harness (api seed 81644046985): read(cap + 1) with a
    # cap of 4.9e15 bytes raised MemoryError before reading a byte.
    assert b"Name:" in limits.read_file("/proc/self/status", "file", 4916343242867831)
    with pytest.raises(AudioError):
        ae.load_audio("/proc/self/status", max_bytes=4916343242867831)


def test_load_audio_reads_at_most_max_bytes(tmp_path):
    p = tmp_path / "big.wav"
    p.write_bytes(WAV.read_bytes())
    with pytest.raises(PayloadTooLargeError):
        ae.load_audio(p, max_bytes=1000)


def test_every_path_entry_point_gives_typed_errors(tmp_path):
    with pytest.raises(AudioError, match="directory"):
        ae.load_audio(tmp_path)
    with pytest.raises(InvalidArgumentError, match="directory"):
        ae.compile_grammar(tmp_path)
    with pytest.raises(NotFoundError):
        ae.compile_grammar(tmp_path / "missing.gram")
    with pytest.raises(InvalidArgumentError, match="directory"):
        ae.lm.NgramModel.load(tmp_path)
    with pytest.raises(NotFoundError):
        ae.lm.load_cached("/nonexistent.arpa")
    with pytest.raises(NotFoundError):
        ae.AcousticModel.load(tmp_path / "nothing")
    with pytest.raises(InvalidArgumentError):
        ae.AcousticModel.load(object())
    with pytest.raises(InvalidArgumentError):
        ae.Dictionary.load(object(), ["SIL"])
    with pytest.raises(InvalidArgumentError, match="regular file"):
        limits.read_file("/dev/zero", "model file")


def test_native_model_reader_refuses_devices():
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        ae._core.Dictionary.load_text("/dev/zero", ["SIL", "AA"], "")


def test_recognizer_with_a_missing_language_model_is_a_404():
    with pytest.raises(NotFoundError):
        ae.Recognizer(language_model="/nonexistent.arpa")


# -- 4. word confidences: one native pass, same values --------------------------------------


def _brute_force_confidences(lattice, ids):
    inst, post = lattice.instances, lattice.posteriors
    out = []
    for i in ids:
        text, s, e, _ac, _f = inst[i]
        m = (s + e) // 2
        out.append(min(1.0, sum(p for (t, a, b, _, _), p in zip(inst, post) if t == text and a <= m <= b)))
    return out


def _recognizer_features(rec):
    stream = ae.FeatureStream(rec.frontend_options, rec.feature_options)
    samples = ae.load_audio(WAV).samples
    return np.vstack([stream.accept(samples), stream.finish()])


def test_lattice_confidences_match_the_definition():
    rec = ae.Recognizer()
    decoder = rec._decode(_recognizer_features(rec), rec.search_options)
    lattice = decoder.lattice()
    ids, _ = lattice.best_path()
    fast = lattice.confidences(ids)
    slow = _brute_force_confidences(lattice, ids)
    assert len(fast) == len(ids) > 5
    assert np.allclose(fast, slow, atol=1e-9)
    assert all(0.0 <= c <= 1.0 for c in fast)
    result = rec.recognize(WAV, consensus=False)  # the lattice best path is this test's premise
    words = [w for w in result.words]
    assert [w.confidence for w in words] == [round(c, 4) for c, i in zip(fast, ids)
                                               if not lattice.instances[i][4]]


def test_lattice_confidences_refuse_bad_paths():
    rec = ae.Recognizer()
    decoder = rec._decode(_recognizer_features(rec), rec.search_options)
    with pytest.raises(InvalidArgumentError):
        decoder.lattice().confidences([10**8])


# -- 5. grammar compile budgets ----------------------------------------------------------------


@pytest.mark.parametrize("body, match", [
    ("(((yes<0-10>)<0-10>)<0-10>)<0-10>", "max_work"),
    ("((((yes<0-4>)<0-4>)<0-4>)<0-4>)<0-4>", "max_work"),
    ("(a | b)<0-> a (a | b)<20>", "max_"),
    ("(((x<1000>)<1000>)<1000>)<1000>", "about 1001001001003 states"),
])
def test_grammar_blowups_are_refused_within_budget(body, match):
    with pytest.raises(InvalidArgumentError, match=match):
        ae.compile_grammar(H + "$a = " + body + ";\n")


def test_expansion_estimate_refuses_before_expanding():
    g = ae.compile_grammar(H + "$a = (a b)<3000>;", max_states=10000)
    assert g.stats["expanded_states"] <= 10000
    with pytest.raises(InvalidArgumentError, match="about"):
        ae.compile_grammar(H + "$a = ((a b)<3000>)<3000>;")


def test_budgets_are_options():
    body = H + "$a = ((((yes<0-4>)<0-4>)<0-4>)<0-4>)<0-2>;\n"
    with pytest.raises(InvalidArgumentError, match="max_work=1000 "):
        ae.compile_grammar(body, max_work=1000)
    assert ae.compile_grammar(body, max_work=10**9).matches("yes " * 512)


def test_long_token_sequences_are_refused_before_parsing():
    with pytest.raises(PayloadTooLargeError, match="max_source_bytes"):
        ae.compile_grammar(H + "$a = " + " ".join(["yes"] * 1_000_000) + ";\n")
    with pytest.raises(PayloadTooLargeError, match="max_tokens"):
        ae.compile_grammar(H + "$a = " + " ".join(["yes"] * 100_000) + ";\n")
    g = ae.compile_grammar(H + "$a = " + " ".join(["yes"] * 100_000) + ";\n", max_tokens=200_000)
    assert g.num_states == 100_001


# -- 7. untyped exceptions that became AsrErrors -------------------------------------------------


@pytest.mark.parametrize("kw", [
    {"input_rate": float("nan")}, {"input_rate": "abc"}, {"input_rate": [16000]}, {"input_rate": float("inf")},
    {"input_rate": 16000, "sample_rate": "abc"}, {"input_rate": 16000, "max_bytes": "x"},
    {"input_rate": 16000, "max_bytes": float("nan")}, {"input_rate": 16000, "max_duration": "x"},
    {"input_rate": 16000, "max_duration": float("nan")}, {"input_rate": 16000, "max_duration": -1},
    {"input_rate": True},
])
def test_load_audio_parameters_are_validated(kw):
    with pytest.raises(AudioError) as e:
        ae.load_audio(np.zeros(1600, np.float32), **kw)
    assert e.value.code == 400


def test_load_audio_accepts_integral_numbers_of_any_type():
    a = ae.load_audio(np.zeros(1600, np.float32), input_rate=np.int64(8000), sample_rate=16000.0)
    assert a.sample_rate == 16000 and a.original_rate == 8000


def test_lm_loading_errors_are_typed(tmp_path):
    bad = b"\\data\\\nngram 1=2\n\n\\1-grams:\n-1 a\xff\n-1 b\n\n\\end\\\n"
    (tmp_path / "bad.arpa").write_bytes(bad)
    (tmp_path / "bad.arpa.gz").write_bytes(gzip.compress(bad))
    for name in ("bad.arpa", "bad.arpa.gz"):
        with pytest.raises(FormatError, match="line 5: word is not valid UTF-8"):
            ae.lm.NgramModel.load(tmp_path / name)
    with pytest.raises(FormatError, match="UTF-8"):
        ae.lm.NgramModel.from_arpa_text(bad)
    with pytest.raises(InvalidArgumentError, match="sentence 0"):
        ae.lm.train_ngram([1, 2])
    with pytest.raises(InvalidArgumentError):
        ae.lm.train_ngram(None)
    (tmp_path / "junk.gz").write_bytes(b"\x1f\x8b" + b"\x00" * 30)
    with pytest.raises(FormatError, match="gzip"):
        ae.lm.NgramModel.load(tmp_path / "junk.gz")


def test_gzip_bomb_is_read_in_bounded_chunks(tmp_path, monkeypatch):
    from asr_engine.lm import ngram

    p = tmp_path / "bomb.arpa.gz"
    p.write_bytes(gzip.compress(b"\\data\\\n" + b" " * (8 << 20)))
    with pytest.raises(PayloadTooLargeError, match="decompresses"):
        ngram._gunzip(str(p), 4 << 20)


def test_invalid_utf8_dictionary_word_is_a_format_error(tmp_path):
    p = tmp_path / "d.dic"
    p.write_bytes(b"ok AA\nbad\xff AA\n")
    with pytest.raises(FormatError, match="line 2: word is not valid UTF-8"):
        ae.Dictionary.load(p, ["SIL", "AA"], cache=False)


def test_native_messages_with_invalid_utf8_stay_typed(tmp_path):
    p = tmp_path / "x.arpa"
    p.write_bytes(b"\\data\\\nngram 1=1\n\n\\1-grams:\n-1 a\n\\2-grams:\xff\xfe\n")
    with pytest.raises(FormatError) as e:
        ae.lm.NgramModel.load(p)
    assert "\\xff" in str(e.value)


@pytest.mark.parametrize("doc", [
    H + "$a = x<" + "9" * 5000 + ">;\n",
    H + "$a = x<1-" + "9" * 5000 + ">;\n",
    '<?xml version="1.0"?><grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" xml:lang="en-US" '
    'root="a"><rule id="a"><item repeat="' + "9" * 100000 + '">x</item></rule></grammar>',
])
def test_repeat_counts_with_thousands_of_digits(doc):
    with pytest.raises(InvalidArgumentError, match="exceeds"):
        ae.compile_grammar(doc)


def test_leading_zeros_in_repeat_counts_are_just_zeros():
    g = ae.compile_grammar(H + "$a = x<" + "0" * 5000 + "2>;\n")
    assert g.matches("x x") and not g.matches("x")


@pytest.mark.parametrize("kw", [
    {"max_states": -1}, {"max_states": "x"}, {"max_states": 1.5}, {"max_arcs": float("nan")},
    {"max_seconds": float("inf")}, {"max_seconds": 0}, {"default_repeat_prob": 1.0}, {"garbage_prob": "a"},
    {"max_depth": -3}, {"minimize": "yes"}, {"max_work": 0}, {"max_tokens": None},
])
def test_grammar_options_are_validated(kw):
    with pytest.raises(InvalidArgumentError):
        ae.compile_grammar(H + "$a = x;\n", **kw)


def test_wav_at_383999_hz_is_resampled_with_a_bounded_filter():
    from asr_engine.audio.resample import MAX_FACTOR, resampling_factors

    data = bytearray(WAV.read_bytes())
    i = data.index(b"fmt ")
    data[i + 12:i + 16] = struct.pack("<I", 383999)
    up, down = resampling_factors(383999, 16000)
    assert max(up, down) <= MAX_FACTOR and abs(up / down / (16000 / 383999) - 1) < 1e-5
    a = ae.load_audio(bytes(data))
    assert a.original_rate == 383999 and a.sample_rate == 16000
    assert abs(a.samples.size - a.duration * 16000) < 50


def test_resampling_stays_exact_for_common_rates():
    from asr_engine.audio.resample import resampling_factors

    assert resampling_factors(44100, 16000) == (160, 441)
    assert resampling_factors(8000, 16000) == (2, 1)
    # a tone keeps its frequency through a bounded-factor conversion
    rate = 12347
    t = np.arange(rate) / rate
    a = ae.load_audio(np.sin(2 * np.pi * 440 * t).astype(np.float32), input_rate=rate)
    spectrum = np.abs(np.fft.rfft(a.samples))
    assert abs(np.argmax(spectrum) * 16000 / a.samples.size - 440) < 2


def test_libsndfile_messages_name_the_uploaded_audio():
    with pytest.raises(AudioError) as e:
        ae.load_audio(b"fLaC" + b"\x00" * 100)
    assert "the uploaded audio" in str(e.value) and "BytesIO" not in str(e.value)


def test_every_limit_has_a_documented_default():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    names = [n for n in limits.__all__ if n.isupper()]
    assert len(names) >= 10
    for n in names:
        assert n in readme, f"{n} is not in the README's limits section"
    assert ae.GrammarOptions().max_states == limits.MAX_GRAMMAR_STATES
    assert ae._core.grammar.CompileOptions().max_work == limits.MAX_GRAMMAR_WORK
    assert ae._core.grammar.CompileOptions().max_states == limits.MAX_GRAMMAR_STATES
    assert re.search(r"Resource limits", readme)


def test_all_errors_here_are_asr_errors():
    # The probe's criterion: nothing above escapes as a bare Python exception.
    assert issubclass(AudioError, AsrError) and issubclass(FormatError, AsrError)
