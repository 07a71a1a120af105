"""The server's limits under hostile or heavy clients: slow uploads end with
408, a saturated pool answers 503 with Retry-After, long recognitions keep
the connection alive with spaces. A real server process with short windows."""
from __future__ import annotations

import base64
import io
import json
import socket
import threading
import time

import httpx
import pytest

pytest.importorskip("starlette")

from conftest import DEV  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY = "limits-key-0123456789"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY}".encode()).decode()}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = ServerProcess(tmp_path_factory.mktemp("limits") / "store", keys=f"{KEY}=x",
                         args=("--session-window", "2", "--keepalive", "0.05", "--workers", "1", "--queue", "0"))
    yield proc
    proc.stop()


def test_slow_loris_upload_is_cut_off_with_408(server):
    auth = AUTH["Authorization"]
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(f"POST /v1/recognize HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n"
                  f"Content-Type: audio/l16;rate=16000\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        start = time.monotonic()
        reply = b""
        s.settimeout(0.5)
        while time.monotonic() - start < 20 and not reply.rstrip().endswith(b"}"):
            if b"\r\n\r\n" not in reply:
                try:
                    s.sendall(b"2\r\n\0\0\r\n")  # 2 bytes every 0.5 s: far below 15 s of audio per 30 s
                except OSError:
                    pass
            try:
                reply += s.recv(65536)
            except socket.timeout:
                pass
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"Request failed due to inactivity" in reply
    assert time.monotonic() - start < 15


def test_saturated_pool_answers_503_with_retry_after(server):
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    long_audio = audio[:44] + audio[44:] * 12  # ~30 s: keeps the single worker busy
    import struct
    long_audio = (long_audio[:4] + struct.pack("<I", len(long_audio) - 8) + long_audio[8:40]
                  + struct.pack("<I", len(long_audio) - 44) + long_audio[44:])
    results = {}

    def first():
        results["first"] = httpx.post(server.url + "/v1/recognize", content=long_audio, timeout=300,
                                      headers={**AUTH, "Content-Type": "audio/wav"})

    t = threading.Thread(target=first)
    t.start()
    time.sleep(1.0)
    second = httpx.post(server.url + "/v1/recognize", content=audio, timeout=300,
                        headers={**AUTH, "Content-Type": "audio/wav"})
    t.join()
    assert results["first"].status_code == 200
    assert second.status_code == 503, second.text
    assert int(second.headers["retry-after"]) >= 1
    assert second.json()["code"] == 503


def test_long_recognition_sends_keepalive_spaces_then_the_json(server):
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    r = httpx.post(server.url + "/v1/recognize", content=audio, timeout=300,
                   headers={**AUTH, "Content-Type": "audio/wav"})
    assert r.status_code == 200
    assert r.content.startswith(b" "), "a recognition longer than the keep-alive period starts with spaces"
    body = json.loads(r.content)
    assert body["results"][0]["alternatives"][0]["transcript"].strip()


def test_sigterm_finishes_the_recognitions_in_flight(tmp_path):
    import signal

    proc = ServerProcess(tmp_path / "store", keys=f"{KEY}=x")
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    result = {}

    def post():
        result["r"] = httpx.post(proc.url + "/v1/recognize", content=audio, timeout=300,
                                 headers={**AUTH, "Content-Type": "audio/wav"})

    t = threading.Thread(target=post)
    t.start()
    time.sleep(0.5)  # the request is in flight
    proc.proc.send_signal(signal.SIGTERM)
    t.join()
    assert result["r"].status_code == 200
    assert result["r"].json()["results"][0]["alternatives"][0]["transcript"].strip()
    assert proc.proc.wait(120) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once drained
    proc.stop()


def _sdk(server, scheme="http"):
    from ibm_cloud_sdk_core.authenticators import BasicAuthenticator
    from ibm_watson import SpeechToTextV1

    stt = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", KEY))
    stt.set_service_url(server.url.replace("http://", f"{scheme}://"))
    return stt


def test_inactivity_timeout_values_agree_over_http_and_websocket(server):
    """0 and values below -1 are a 400 with the same text on both
    interfaces; -1 and positive values are taken."""
    pytest.importorskip("websockets")
    from ibm_cloud_sdk_core import ApiException
    from ibm_watson.websocket import AudioSource

    from test_server_websocket import Recorder

    audio = (DEV / "fsdd_1_nicolas_11.wav").read_bytes()
    http = _sdk(server)
    for bad in (0, -2, -30):
        with pytest.raises(ApiException) as err:
            http.recognize(audio, content_type="audio/wav", inactivity_timeout=bad)
        assert err.value.status_code == 400
        assert "inactivity_timeout is out of range" in err.value.message, err.value.message
    r = httpx.post(server.url + "/v1/recognize?inactivity_timeout=soon", content=audio,
                   headers={**AUTH, "Content-Type": "audio/wav"}, timeout=60)
    assert r.status_code == 400 and "inactivity_timeout" in r.json()["error"]
    for good in (-1, 1, 30):
        assert http.recognize(audio, content_type="audio/wav", inactivity_timeout=good).get_status_code() == 200

    ws = _sdk(server, "ws")
    for value, ok in ((0, False), (-5, False), (-1, True)):
        rec = Recorder()
        ws.recognize_using_websocket(audio=AudioSource(io.BytesIO(audio)), content_type="audio/wav",
                                     recognize_callback=rec, inactivity_timeout=value)
        assert rec.done.wait(60)
        errors = [e[1] for e in rec.events if e[0] == "error"]
        if ok:
            assert not errors and any(e[0] == "data" for e in rec.events), rec.events
        else:
            # (the SDK's websocket client also reports the server's close 1000 as an error)
            assert "inactivity_timeout is out of range" in errors[0], rec.events
            assert all(e.startswith("Connection closed") for e in errors[1:]), rec.events
            assert not any(e[0] in ("data", "inactivity") for e in rec.events)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the SDK's sender thread
def test_websocket_stream_slower_than_the_session_window_times_out(server):
    """The SDK streaming live audio far slower than real time: the server
    ends the session (``Session timed out.``, the service's text) within
    the window, and the SDK reports it and closes. (The engine's
    ``No speech detected`` inactivity timeout is not on main yet; this is
    the timeout the session implements.)"""
    pytest.importorskip("websockets")
    import queue

    from ibm_watson.websocket import AudioSource

    from test_server_websocket import Recorder

    chunks: "queue.Queue[bytes]" = queue.Queue()
    source = AudioSource(chunks, is_recording=True, is_buffer=True)
    rec = Recorder()

    def feed():
        end = time.monotonic() + 30
        while not rec.done.is_set() and time.monotonic() < end:
            chunks.put(b"\0" * 1024)  # 32 ms of audio every 0.25 s: far below half of real time
            time.sleep(0.25)
        source.is_recording = False

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    start = time.monotonic()
    _sdk(server, "ws").recognize_using_websocket(audio=source, content_type="audio/l16;rate=16000",
                                                 recognize_callback=rec, interim_results=True,
                                                 inactivity_timeout=-1)
    assert rec.done.wait(60)
    feeder.join(5)
    assert [e for e in rec.events if e[0] == "error"][0] == ("error", "Session timed out."), rec.events
    assert rec.events[-1] == ("close",) and time.monotonic() - start < 20
