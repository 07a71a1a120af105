"""Hypothesis strategies over the public API's arguments.

One case draws a handful of examples from a seeded hypothesis run (no
shrinking: the supervisor records the seed, which replays the run). Each
example calls one entry point with values a caller could pass - right and
wrong types, NaN, infinities, huge and negative numbers, odd paths (devices,
FIFOs, directories, /proc files) - and must return or raise an AsrError.
"""
from __future__ import annotations

import os
import tempfile

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import asr_engine as ae
from asr_engine import lm as ae_lm

EXAMPLES_PER_CASE = 5

_TMP = tempfile.mkdtemp(prefix="asr-fuzz-api-")
_FIFO = os.path.join(_TMP, "fifo")
os.mkfifo(_FIFO)
PATHS = ["/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/status", "/proc/self/maps", _FIFO, _TMP, "/",
         "/nonexistent/x.arpa", "", "x\x00y", os.path.join(_TMP, "missing.wav"), "/etc/hostname"]

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 8000, 16000, 383999, 384001, 2**31, 2**63, 0.5, 1.5, float("nan"), float("inf")]),
)
junk = st.one_of(st.none(), numbers, st.text(max_size=8), st.binary(max_size=8), st.lists(st.integers(), max_size=2),
                 st.booleans(), st.just(object()))
paths = st.sampled_from(PATHS)


def _arrays():
    dtypes = st.sampled_from([np.float32, np.float64, np.int16, np.int32, np.uint8, np.int64, np.complex64,
                              np.bool_, object])
    shapes = st.sampled_from([(0,), (10,), (160,), (100, 2), (10, 8), (4, 100), (2, 2, 2), ()])
    return st.builds(lambda d, s, fill: np.full(s, fill).astype(d) if d is not object else np.empty(s, dtype=object),
                     dtypes, shapes, st.sampled_from([0, 1, 0.5, float("nan"), 1e30]))


def call_load_audio(data):
    source = data.draw(st.one_of(st.binary(max_size=64), _arrays(), paths, junk), "source")
    kwargs = data.draw(st.dictionaries(
        st.sampled_from(["sample_rate", "input_rate", "max_bytes", "max_duration", "allow_empty"]),
        st.one_of(junk, numbers), max_size=3), "kwargs")
    ctype = data.draw(st.one_of(st.none(), st.text(max_size=30), st.sampled_from(
        ["audio/l16;rate=16000", "audio/l16;rate=nan", "audio/wav", "audio/mulaw;rate=-1"])), "content_type")
    try:
        ae.load_audio(source, ctype, **kwargs)
    except TypeError as e:
        # Wrong *keyword* types are the caller's bug in Python terms only if
        # the signature refuses them; our signature takes any value and must
        # answer with an AsrError, so a TypeError is a finding.
        raise AssertionError(f"TypeError from load_audio: {e}") from None


def call_compile_grammar(data):
    source = data.draw(st.one_of(
        st.text(max_size=80).map(lambda t: "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = " + t + ";\n"),
        st.text(max_size=40), st.binary(max_size=40), paths, junk), "source")
    overrides = data.draw(st.dictionaries(st.sampled_from(
        ["max_states", "max_arcs", "max_work", "max_seconds", "default_repeat_prob", "garbage_prob", "max_depth",
         "minimize", "max_source_bytes", "max_tokens", "external_refs"]), st.one_of(numbers, junk), max_size=3),
        "options")
    media = data.draw(st.one_of(st.none(), st.sampled_from(["application/srgs", "application/srgs+xml",
                                                           "application/x-jsgf", "text/plain"]), st.text(max_size=10)))
    root = data.draw(st.one_of(st.none(), st.text(max_size=5), st.lists(st.text(max_size=3), max_size=2)))
    g = ae.compile_grammar(source, media, root=root, **overrides)
    g.matches(data.draw(st.text(max_size=20), "sentence"))


def call_ngram_load(data):
    ae_lm.NgramModel.load(data.draw(st.one_of(paths, junk), "path"))


def call_train_ngram(data):
    sentences = data.draw(st.one_of(st.lists(st.one_of(st.text(max_size=30), junk), max_size=4),
                                    st.text(max_size=40), junk), "sentences")
    order = data.draw(st.one_of(st.integers(-2, 8), junk), "order")
    extra = data.draw(st.one_of(st.lists(st.one_of(st.text(max_size=6), junk), max_size=2), junk), "extra_words")
    fallback = data.draw(st.one_of(st.lists(numbers, max_size=4), junk), "fallback")
    kwargs = {}
    if extra is not None:
        kwargs["extra_words"] = extra
    if fallback is not None:
        kwargs["fallback_discounts"] = fallback
    m = ae_lm.train_ngram(sentences, order, **kwargs)
    m.score("a b c")


def call_dictionary(data):

    phones = ["SIL", "AA", "AE", "B", "K", "T"]
    op = data.draw(st.sampled_from(["load", "add_word"]), "op")
    if op == "load":
        ae.Dictionary.load(data.draw(st.one_of(paths, junk)), phones, cache=False)
    else:
        d = ae.Dictionary.empty(phones)
        d.add_word(data.draw(st.one_of(st.text(max_size=10), junk), "word"),
                   data.draw(st.one_of(st.text(max_size=10), st.lists(st.one_of(st.sampled_from(phones), junk),
                                                                         max_size=3), junk), "phones"))


def call_features(data):
    a = data.draw(_arrays(), "samples")
    try:
        ae.compute_mfcc(a)
    except TypeError as e:
        raise AssertionError(f"TypeError from compute_mfcc: {e}") from None


CALLS = [call_load_audio, call_compile_grammar, call_ngram_load, call_train_ngram, call_dictionary, call_features]


def gen_api(ctx, case_seed: int):
    fn = CALLS[case_seed % len(CALLS)]

    @seed(case_seed)
    @settings(max_examples=EXAMPLES_PER_CASE, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False, derandomize=False)
    @given(st.data())
    def run(data):
        try:
            fn(data)
        except ae.AsrError:
            pass

    run()
    return fn.__name__


