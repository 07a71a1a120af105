"""The WebSocket /v1/recognize protocol over a real server, driven by the
SDK's ``recognize_using_websocket`` and by a raw client for what the SDK
never sends (malformed messages, oversized frames)."""
from __future__ import annotations

import base64
import json
import threading

import pytest

pytest.importorskip("starlette")
websockets_sync = pytest.importorskip("websockets.sync.client")

from ibm_cloud_sdk_core.authenticators import BasicAuthenticator  # noqa: E402
from ibm_watson import SpeechToTextV1  # noqa: E402
from ibm_watson.speech_to_text_v1 import SpeechRecognitionResults  # noqa: E402
from ibm_watson.websocket import AudioSource, RecognizeCallback  # noqa: E402

from conftest import DEV  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY = "ws-key-0123456789abc"
AUTH = "Basic " + base64.b64encode(f"apikey:{KEY}".encode()).decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = ServerProcess(tmp_path_factory.mktemp("ws") / "store", keys=f"{KEY}=w")
    yield proc
    proc.stop()


class Recorder(RecognizeCallback):
    def __init__(self) -> None:
        super().__init__()
        self.events: list = []
        self.done = threading.Event()

    def on_connected(self):
        self.events.append(("connected",))

    def on_listening(self):
        self.events.append(("listening",))

    def on_hypothesis(self, hypothesis):
        self.events.append(("hypothesis", hypothesis))

    def on_transcription(self, transcript):
        self.events.append(("transcription", transcript))

    def on_data(self, data):
        self.events.append(("data", data))

    def on_error(self, error):
        self.events.append(("error", str(error)))

    def on_inactivity_timeout(self, error):
        self.events.append(("inactivity", str(error)))

    def on_close(self):
        self.events.append(("close",))
        self.done.set()


def test_sdk_websocket_interim_results_and_finals_equal_one_shot(server):
    http = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", KEY))
    http.set_service_url(server.url)
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    one_shot = http.recognize(audio, content_type="audio/wav").get_result()

    ws = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", KEY))
    ws.set_service_url(server.url.replace("http://", "ws://"))
    rec = Recorder()
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        ws.recognize_using_websocket(audio=AudioSource(f), content_type="audio/wav", recognize_callback=rec,
                                     interim_results=True)
    kinds = [e[0] for e in rec.events]
    assert kinds[0] == "connected" and "listening" in kinds and kinds[-1] == "close"
    assert "error" not in kinds, rec.events
    datas = [e[1] for e in rec.events if e[0] == "data"]
    finals = [r for d in datas for r in d["results"] if r["final"]]
    assert [r["alternatives"][0]["transcript"] for r in finals] == \
        [r["alternatives"][0]["transcript"] for r in one_shot["results"]]
    for d in datas:
        SpeechRecognitionResults.from_dict(d)
        for r in d["results"]:
            if not r["final"]:
                assert "confidence" not in r["alternatives"][0]


def _raw(server, query=""):
    return websockets_sync.connect(server.url.replace("http://", "ws://") + "/v1/recognize" + query,
                                   additional_headers={"Authorization": AUTH}, max_size=None, open_timeout=30)


def test_malformed_messages_are_answered_then_closed(server):
    for bad in ("not json", json.dumps({"action": "dance"}), json.dumps([1, 2])):
        with _raw(server) as c:
            c.send(bad)
            reply = json.loads(c.recv(timeout=30))
            assert "error" in reply
            with pytest.raises(Exception):
                c.recv(timeout=30)
            assert c.close_code == 1002


def test_frames_over_4_mb_close_with_1009(server):
    with _raw(server) as c:
        c.send(json.dumps({"action": "start", "content-type": "audio/l16;rate=16000"}))
        assert json.loads(c.recv(timeout=30)) == {"state": "listening"}
        c.send(b"\0" * (4 * 1024 * 1024 + 1))
        with pytest.raises(Exception):
            c.recv(timeout=30)
        assert c.close_code == 1009


def test_handshake_without_credentials_is_refused(server):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as err:
        websockets_sync.connect(server.url.replace("http://", "ws://") + "/v1/recognize", open_timeout=30)
    assert err.value.response.status_code == 401


def test_inactivity_timeout_is_the_error_message_then_close(server):
    """The engine's inactivity timeout over the wire: the service's text, then close (1000)."""
    import numpy as np

    quiet = np.round(np.random.default_rng(0).normal(0.0, 20.0, 16000 * 4)).astype("<i2").tobytes()
    with _raw(server) as c:
        c.send(json.dumps({"action": "start", "content-type": "audio/l16;rate=16000;endianness=little-endian",
                           "inactivity_timeout": 1}))
        assert json.loads(c.recv(timeout=30)) == {"state": "listening"}
        for i in range(0, len(quiet), 8000):
            try:
                c.send(quiet[i:i + 8000])
            except Exception:  # already closed by the server
                break
        replies = []
        with pytest.raises(Exception):
            while True:
                replies.append(json.loads(c.recv(timeout=60)))
        assert replies and replies[-1] == {"error": "No speech detected for 1s"}
        assert all("results" in r for r in replies[:-1])
        assert c.close_code == 1000
