"""Property test of the Watson result schema: random parameter combinations
on short dev utterances, each response through the SDK's
``SpeechRecognitionResults`` unchanged and meeting the interaction rules
(``benchmarks/bench_watson_schema.py`` runs hundreds on the whole dev set)."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from conftest import DEV
from watson_schema import check_response, parameters

#: Short utterances (digits, 0.4-0.6 s; one sentence of 2.4 s).
AUDIO = [DEV / f"{n}.wav" for n in ("fsdd_1_nicolas_11", "fsdd_7_nicolas_10", "fsdd_8_theo_16", "osr_0011_01")]


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")
    store.close()


@pytest.fixture(scope="module")
def audio():
    return [p.read_bytes() for p in AUDIO]


def test_random_parameter_combinations(stt, audio):
    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(params=parameters(), which=st.integers(0, len(AUDIO) - 1))
    def run(params, which):
        check_response(stt.recognize(audio[which], "audio/wav", **params), params)

    run()
