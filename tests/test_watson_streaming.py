"""``recognize_using_websocket`` and the WebSocket session (§1.7): the SDK's
callbacks in the service's order, interim results without confidence,
``result_index``, one final per phrase, equal to the one-shot ``recognize`` of the
same audio in any chunking (the finals come from the engine's Stream, never
re-decoded; a one-shot request is decoded phrase by phrase the same way)."""
from __future__ import annotations

import io
import queue
import uuid

import pytest
from ibm_watson import speech_to_text_v1 as sdk
from ibm_watson.websocket import AudioSource, RecognizeCallback

from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from asr_engine.watson.websocket import RecognizeSession
from conftest import DEV
from watson_helpers import sdk_check

WAVS = [DEV / "arctic_aew_a0003.wav", DEV / "arctic_axb_a0004.wav"]


class Recorder(RecognizeCallback):
    """Every callback, in order."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def on_connected(self):
        self.calls.append(("connected",))

    def on_listening(self):
        self.calls.append(("listening",))

    def on_hypothesis(self, hypothesis):
        self.calls.append(("hypothesis", hypothesis))

    def on_transcription(self, transcript):
        self.calls.append(("transcription", transcript))

    def on_data(self, data):
        self.calls.append(("data", data))

    def on_error(self, error):
        self.calls.append(("error", error))

    def on_inactivity_timeout(self, error):
        self.calls.append(("inactivity", error))

    def on_close(self):
        self.calls.append(("close",))

    def kinds(self):
        return [c[0] for c in self.calls]


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")
    store.close()


def one_shot_json(stt, data: bytes, content_type: str, **params) -> dict:
    """``SpeechToText.recognize`` of the whole audio: the session's finals
    must be these (a one-shot request is decoded phrase by phrase as a
    stream is, so the two agree to the last field, whatever the chunking)."""
    return stt.recognize(data, content_type, **params)


def chunks(data: bytes, size: int = 1024):
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("path", WAVS, ids=lambda p: p.stem)
def test_interim_results_in_1024_byte_chunks(stt, path):
    data = path.read_bytes()
    one_shot = one_shot_json(stt, data, "audio/wav", timestamps=True)
    rec = Recorder()
    stt.recognize_using_websocket(chunks(data), "audio/wav", rec, interim_results=True, timestamps=True)
    kinds = rec.kinds()
    assert kinds[:2] == ["connected", "listening"] and kinds[-1] == "close" and kinds.count("close") == 1
    assert "error" not in kinds
    messages = [c[1] for c in rec.calls if c[0] == "data"]
    interim = [m for m in messages if not m["results"][0]["final"]]
    finals = [m for m in messages if m["results"][0]["final"]]
    assert interim, "no interim hypothesis for a 1024-byte-chunk stream"
    for m in interim:
        sdk_check(sdk.SpeechRecognitionResults, m)
        assert m["result_index"] == 0 and "confidence" not in m["results"][0]["alternatives"][0]
    # One message per final result, result_index advancing by one.
    assert [m["result_index"] for m in finals] == list(range(len(one_shot["results"])))
    assert [m["results"][0] for m in finals] == one_shot["results"]
    # Each final: on_transcription (with confidence) then on_hypothesis then on_data, as the SDK's listener.
    i = kinds.index("transcription")
    assert kinds[i:i + 3] == ["transcription", "hypothesis", "data"]
    assert rec.calls[i][1][0]["confidence"] == one_shot["results"][0]["alternatives"][0]["confidence"]
    # Interim hypotheses come before the final one.
    assert kinds.index("hypothesis") < i


def test_without_interim_results_one_message(stt):
    data = WAVS[0].read_bytes()
    rec = Recorder()
    stt.recognize_using_websocket(AudioSource(io.BytesIO(data)), "audio/wav", rec, word_confidence=True)
    assert rec.kinds() == ["connected", "listening", "transcription", "data", "close"]
    one_shot = one_shot_json(stt, data, "audio/wav", word_confidence=True)
    assert rec.calls[3][1] == one_shot
    assert rec.calls[2][1] == [[{"confidence": r["alternatives"][0]["confidence"],
                                 "transcript": r["alternatives"][0]["transcript"]}] for r in one_shot["results"]]


def test_queue_source_and_raw_audio(stt):
    data = WAVS[1].read_bytes()
    pcm = data[44:]  # 16-bit mono PCM at 16 kHz after the canonical header
    q: queue.Queue = queue.Queue()
    for c in chunks(pcm):
        q.put(c)
    rec = Recorder()
    stt.recognize_using_websocket(AudioSource(q, is_recording=False, is_buffer=True),
                                  "audio/l16;rate=16000;endianness=little-endian", rec, interim_results=True)
    finals = [c[1] for c in rec.calls if c[0] == "data" and c[1]["results"][0]["final"]]
    one_shot = one_shot_json(stt, pcm, "audio/l16;rate=16000;endianness=little-endian")
    assert [m["results"][0] for m in finals] == one_shot["results"]


def test_errors_reach_on_error(stt):
    rec = Recorder()
    stt.recognize_using_websocket([b"x" * 2048], "audio/wav", rec, keywords_threshold=3.0, keywords=["a"])
    assert rec.kinds() == ["connected", "error", "close"] and "keywords_threshold" in rec.calls[1][1]
    rec = Recorder()
    stt.recognize_using_websocket([b"x"], "audio/wav", rec, model="xx_Model")
    assert rec.calls[1] == ("error", "Model xx_Model not found")
    rec = Recorder()
    stt.recognize_using_websocket([b"\x01" * 4096], "audio/flac", rec)
    assert rec.kinds()[:2] == ["connected", "listening"] and rec.kinds()[-2:] == ["error", "close"]
    assert rec.calls[-2][1].startswith("unable to transcode data stream audio/flac")


def test_session_state_machine(stt):
    data = WAVS[0].read_bytes()
    session = RecognizeSession(stt, {"model": "en-US_BroadbandModel"})
    assert session.receive_text('{"action": "start", "content-type": "audio/wav", "interim_results": true}') == [
        {"state": "listening"}]
    for c in chunks(data):
        session.receive_binary(c)
    out = session.receive_binary(b"")  # an empty frame ends the request
    assert out[-1] == {"state": "listening"} and out[0]["result_index"] == 0
    n = len(out) - 1
    # The next request on the same connection continues the result index.
    session.receive_text('{"action": "start", "content_type": "audio/wav", "interim_results": true}')
    for c in chunks(data):
        session.receive_binary(c)
    out2 = session.receive_text('{"action": "stop"}')
    assert out2[0]["result_index"] == n and out2[0]["results"] == out[0]["results"]
    # Protocol errors end the session with an error message.
    bad = RecognizeSession(stt)
    assert "stop" in bad.receive_text('{"action": "stop"}')[0]["error"] and bad.closed
    assert RecognizeSession(stt).receive_text("not json")[0]["error"].startswith("Could not parse")
    s = RecognizeSession(stt)
    s.receive_text('{"action": "start"}')
    s.receive_binary(data[:2048])
    assert "in progress" in s.receive_text('{"action": "start"}')[0]["error"]
    s = RecognizeSession(stt)
    assert "connection URL" in s.receive_text('{"action": "start", "model": "en-US_BroadbandModel"}')[0]["error"]


def test_audio_skipped_by_the_live_pass_still_reaches_the_final_result(stt):
    """``receive_audio(data, interim=False)`` (a server that fell behind):
    no interim hypotheses for that audio or after it, and the final result
    is the one-shot one all the same."""
    data = WAVS[0].read_bytes()
    one_shot = one_shot_json(stt, data, "audio/wav")
    session = RecognizeSession(stt)
    session.receive_text('{"action": "start", "content-type": "audio/wav", "interim_results": true}')
    head, rest = data[:32044], data[32044:]  # the header and 1 s live (a phrase decodes from its first speech), the rest skipped
    live = [a for c in chunks(head, 4096) for a in session.receive_audio(c)]
    assert any(not m["results"][0]["final"] for m in live)  # the live pass ran on the head
    assert session.receive_audio(rest, interim=False) == []
    assert session.receive_audio(b"") == []  # nothing, and not the end of the request
    out = session.receive_text('{"action": "stop"}')
    finals = [r for m in out if "results" in m for r in m["results"] if r["final"]]
    assert finals == one_shot["results"]
    s = RecognizeSession(stt)
    s.receive_text('{"action": "start"}')
    assert "must be bytes" in s.receive_audio("text", interim=False)[0]["error"] and s.closed
