"""The WebSocket session's finals come from the engine's Stream (§1.7): one
final per phrase, sent when the phrase ends with ``result_index`` advancing,
never a second decoding of the audio at stop; the engine's inactivity
timeout reaches the SDK's ``on_inactivity_timeout``."""
from __future__ import annotations

import uuid

import numpy as np
import pytest
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine.audio.input import read_audio
from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from asr_engine.watson.websocket import RecognizeSession
from conftest import DEV
from test_watson_streaming import Recorder, chunks
from watson_helpers import sdk_check

RATE = 16000
L16 = "audio/l16;rate=16000;endianness=little-endian"
FIRST, SECOND = DEV / "arctic_aew_a0003.wav", DEV / "arctic_axb_a0004.wav"


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")
    store.close()


def pcm(path) -> np.ndarray:
    audio = read_audio(str(path), None, target_rate=RATE)
    return np.clip(np.round(audio.samples * 32767), -32768, 32767).astype("<i2")


def quiet(seconds: float, seed: int = 0) -> np.ndarray:
    """Low background noise (a real line is never digital zero)."""
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(0.0, 20.0, int(seconds * RATE))).astype("<i2")


@pytest.fixture(scope="module")
def two_phrases():
    first = pcm(FIRST)
    audio = np.concatenate([first, quiet(1.5), pcm(SECOND), quiet(0.3, 1)])
    return audio.tobytes(), len(first) / RATE


def test_two_phrases_give_two_finals_with_result_index_0_and_1(stt, two_phrases):
    data, first_end = two_phrases
    rec = Recorder()
    stt.recognize_using_websocket(chunks(data), L16, rec, interim_results=True, timestamps=True)
    kinds = rec.kinds()
    assert kinds[:2] == ["connected", "listening"] and kinds[-1] == "close" and "error" not in kinds
    messages = [c[1] for c in rec.calls if c[0] == "data"]
    for m in messages:
        sdk_check(sdk.SpeechRecognitionResults, m)
    finals = [m for m in messages if m["results"][0]["final"]]
    assert [m["result_index"] for m in finals] == [0, 1]
    assert all(len(m["results"]) == 1 for m in finals)
    one, two = (m["results"][0]["alternatives"][0] for m in finals)
    assert one["transcript"] == stt.recognize(FIRST.read_bytes(), "audio/wav")["results"][0]["alternatives"][0][
        "transcript"]
    assert two["transcript"].strip() and two["transcript"].endswith(" ")
    # The phrases are the two utterances: the second starts after the first and the silence.
    assert one["timestamps"][-1][2] <= first_end + 0.3
    assert two["timestamps"][0][1] >= first_end + 1.0
    assert "confidence" in one and "confidence" in two
    # Interims of the second phrase carry its index; none has a confidence.
    interims = [m for m in messages if not m["results"][0]["final"]]
    assert {m["result_index"] for m in interims} <= {0, 1} and 1 in {m["result_index"] for m in interims}
    assert all("confidence" not in m["results"][0]["alternatives"][0] for m in interims)
    # on_transcription once per final, each before its on_data.
    assert kinds.count("transcription") == 2


def test_first_final_is_sent_before_stop(stt, two_phrases):
    """The first phrase's final comes with the audio that ended it; stop
    only flushes the last phrase (no whole-audio re-decode)."""
    data, first_end = two_phrases
    session = RecognizeSession(stt)
    assert session.receive_message({"action": "start", "content-type": L16, "interim_results": True}) == \
        [{"state": "listening"}]
    seen_at = None
    sent = 0
    for chunk in chunks(data):
        sent += len(chunk)
        for m in session.receive_binary(chunk):
            if m["results"][0]["final"] and seen_at is None:
                seen_at = sent / (2 * RATE)
                assert m["result_index"] == 0
    # After the first utterance, well before the second one ends.
    assert seen_at is not None and first_end < seen_at < len(data) / (2 * RATE) - 1.5
    end = session.receive_message({"action": "stop"})
    assert [m.get("result_index") for m in end] == [1, None] and end[-1] == {"state": "listening"}
    assert end[0]["results"][0]["final"] is True
    # The next request continues the numbering.
    session.receive_message({"action": "start", "content-type": L16, "interim_results": True})
    session.receive_binary(pcm(FIRST).tobytes())
    assert [m.get("result_index") for m in session.receive_binary(b"")][:-1] == [2]


def test_without_interim_results_both_finals_in_one_message_at_stop(stt, two_phrases):
    data, _ = two_phrases
    rec = Recorder()
    stt.recognize_using_websocket(chunks(data), L16, rec)
    datas = [c[1] for c in rec.calls if c[0] == "data"]
    assert len(datas) == 1 and datas[0]["result_index"] == 0 and len(datas[0]["results"]) == 2
    assert rec.kinds() == ["connected", "listening", "transcription", "data", "close"]


def test_inactivity_timeout_reaches_on_inactivity_timeout(stt):
    rec = Recorder()
    stt.recognize_using_websocket(chunks(quiet(3.5).tobytes()), L16, rec, interim_results=True,
                                  inactivity_timeout=2)
    assert rec.kinds() == ["connected", "listening", "inactivity", "close"]
    assert rec.calls[2][1] == "No speech detected for 2s"


def test_inactivity_timeout_after_speech(stt):
    """Speech then silence longer than the timeout: the phrase's final, then the timeout."""
    data = np.concatenate([pcm(FIRST), quiet(3.0)]).tobytes()
    rec = Recorder()
    stt.recognize_using_websocket(chunks(data), L16, rec, interim_results=True, inactivity_timeout=1)
    kinds = rec.kinds()
    assert kinds[-2:] == ["inactivity", "close"] and "error" not in kinds
    assert rec.calls[-2][1] == "No speech detected for 1s"
    finals = [c[1] for c in rec.calls if c[0] == "data" and c[1]["results"][0]["final"]]
    assert [m["result_index"] for m in finals] == [0]


def test_no_timeout_with_minus_one_or_short_silence(stt):
    for timeout in (-1, 30):
        rec = Recorder()
        stt.recognize_using_websocket(chunks(quiet(3.5).tobytes()), L16, rec, inactivity_timeout=timeout)
        assert "inactivity" not in rec.kinds() and "error" not in rec.kinds() and rec.kinds()[-1] == "close"


@pytest.mark.parametrize("bad", [0, -2, 1.5, "5", True, None.__class__])
def test_malformed_inactivity_timeout_is_an_error(stt, bad):
    rec = Recorder()
    stt.recognize_using_websocket(chunks(quiet(0.5).tobytes()), L16, rec, inactivity_timeout=bad)
    kinds = rec.kinds()
    assert kinds[0] == "connected" and kinds[-1] == "close" and "error" in kinds and "inactivity" not in kinds
    assert "inactivity_timeout" in next(c[1] for c in rec.calls if c[0] == "error")
