"""The server's limits under hostile or heavy clients: slow uploads end with
408, a saturated pool answers 503 with Retry-After, long recognitions keep
the connection alive with spaces. A real server process with short windows."""
from __future__ import annotations

import base64
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
