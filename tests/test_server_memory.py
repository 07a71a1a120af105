"""What the server keeps after a request: nothing of it once it is over.

A server in this process (uvicorn on a thread) so that its objects can be
counted. The cyclic collector is off during each test: whatever a request
left in a reference cycle (typically an error kept with its traceback, whose
frames hold the request's decoder, its audio, the frame awaiting it) stays
in ``gc.get_objects()`` instead of being collected at some later full pass,
which in a loaded server can be minutes and hundreds of MB later.
"""
from __future__ import annotations

import base64
import contextlib
import gc
import io
import json
import threading
import time
import types
import wave
from pathlib import Path

import pytest

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
websockets_sync = pytest.importorskip("websockets.sync.client")

import numpy as np  # noqa: E402

import asr_engine  # noqa: E402
from asr_engine.phrase_decoding import PhrasePipeline  # noqa: E402
from asr_engine.stream import Stream  # noqa: E402
from conftest import DEV  # noqa: E402
from server_process import free_port  # noqa: E402

KEY = "mem-key-0123456789abc"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY}".encode()).decode()}
PACKAGE = str(Path(asr_engine.__file__).resolve().parent)


@pytest.fixture(scope="module")
def server(tmp_path_factory, monkeypatch_module):
    """One worker, so that a long HTTP recognition holds it while a stream's step waits."""
    from asr_engine.server.app import create_app
    from asr_engine.server.config import ApiKeys, ServerConfig

    monkeypatch_module.setenv("ASR_ENGINE_API_KEYS", f"{KEY}=m")
    port = free_port()
    config = ServerConfig(port=port, store=tmp_path_factory.mktemp("mem") / "store",
                          keys=ApiKeys.from_environment(), workers=1, queue=4)
    app = create_app(config)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                        ws_max_size=4 * 1024 * 1024, lifespan="on"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the in-process server did not start"
        time.sleep(0.05)
    srv.url = f"http://127.0.0.1:{port}"
    srv.state = app.state.server
    # The models load on the first recognition: not inside a test's count.
    httpx.post(srv.url + "/v1/recognize", content=(DEV / "arctic_aew_a0003.wav").read_bytes(),
               headers={**AUTH, "Content-Type": "audio/wav"}, timeout=300).raise_for_status()
    yield srv
    srv.should_exit = True
    thread.join(60)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@contextlib.contextmanager
def collector_off():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def decoders() -> int:
    """Streams and phrase pipelines in memory, reachable or not (with the
    collector off, cyclic garbage is still listed)."""
    return sum(isinstance(o, (Stream, PhrasePipeline)) for o in gc.get_objects())


def our_cyclic_errors() -> list[str]:
    """Errors in cyclic garbage whose traceback passes through asr_engine's
    code (what it raised or awaited), as 'Type: frame/frame/...'."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
    finally:
        gc.set_debug(0)
    garbage, gc.garbage[:] = list(gc.garbage), []
    out = []
    for obj in garbage:
        if isinstance(obj, BaseException):
            frames, tb = [], obj.__traceback__
            while tb is not None:
                frames.append(tb.tb_frame)
                tb = tb.tb_next
            if any(f.f_code.co_filename.startswith(PACKAGE) for f in frames):
                out.append(f"{type(obj).__name__}: " + "/".join(f.f_code.co_name for f in frames))
    del garbage
    return out


def wait_idle(server, timeout: float = 300.0) -> None:
    """Until no request is in flight (a WebSocket's handler has returned)."""
    deadline = time.monotonic() + timeout
    while server.state.in_flight:
        assert time.monotonic() < deadline, "the server did not finish its requests"
        time.sleep(0.05)


def long_wav(seconds: float) -> bytes:
    """Dev recordings end to end, at least ``seconds`` long."""
    pcm, rate = [], 16000
    for path in sorted(DEV.glob("*.wav")):
        with wave.open(str(path)) as w:
            if w.getframerate() != rate or w.getnchannels() != 1 or w.getsampwidth() != 2:
                continue
            pcm.append(w.readframes(w.getnframes()))
        if sum(len(p) for p in pcm) >= seconds * rate * 2:
            break
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(pcm))
    return buf.getvalue()


def ws(server):
    return websockets_sync.connect(server.url.replace("http://", "ws://") + "/v1/recognize",
                                   additional_headers=AUTH, max_size=None, open_timeout=60)


def test_a_stream_ended_by_its_inactivity_timeout_leaves_no_decoder(server):
    quiet = np.round(np.random.default_rng(1).normal(0.0, 20.0, 16000 * 4)).astype("<i2").tobytes()
    with collector_off():
        before = decoders()
        with ws(server) as c:
            c.send(json.dumps({"action": "start", "content-type": "audio/l16;rate=16000;endianness=little-endian",
                               "inactivity_timeout": 1, "interim_results": True}))
            assert json.loads(c.recv(timeout=60)) == {"state": "listening"}
            replies = []
            with contextlib.suppress(Exception):  # the server may have closed already
                for i in range(0, len(quiet), 8000):
                    c.send(quiet[i:i + 8000])
            with pytest.raises(Exception):
                while True:
                    replies.append(json.loads(c.recv(timeout=120)))
        assert replies and replies[-1] == {"error": "No speech detected for 1s"}
        wait_idle(server)
        assert decoders() == before
        assert our_cyclic_errors() == []


def test_a_client_gone_while_its_live_step_waits_leaves_no_decoder(server):
    """The stream's live step is queued behind a long HTTP recognition on
    the one worker when its client disconnects: the step is cancelled, and
    nothing of the stream stays (the cancelled task's error held it)."""
    audio = (DEV / "arctic_aew_a0003.wav").read_bytes()
    body = long_wav(40.0)
    with collector_off():
        before = decoders()
        answer: dict = {}

        def post():
            answer["r"] = httpx.post(server.url + "/v1/recognize", content=body,
                                     headers={**AUTH, "Content-Type": "audio/wav"}, timeout=600)

        http = threading.Thread(target=post)
        http.start()
        deadline = time.monotonic() + 120
        while not server.state.pool.admitted:  # the long recognition holds the worker
            assert time.monotonic() < deadline and http.is_alive()
            time.sleep(0.01)
        with ws(server) as c:
            # Raw PCM: the request's stream opens at start (a WAV's waits for its header).
            c.send(json.dumps({"action": "start", "content-type": "audio/l16;rate=16000;endianness=little-endian",
                               "interim_results": True}))
            assert json.loads(c.recv(timeout=60)) == {"state": "listening"}
            for i in range(44, len(audio) // 2, 1024):
                c.send(audio[i:i + 1024])
        http.join(600)
        assert answer["r"].status_code == 200
        # A recognition queued after the cancelled step: once it answers, the
        # worker has dropped the step (and the session it was bound to).
        httpx.post(server.url + "/v1/recognize", content=audio, headers={**AUTH, "Content-Type": "audio/wav"},
                   timeout=300).raise_for_status()
        wait_idle(server)
        assert decoders() == before
        assert our_cyclic_errors() == []


def test_failed_http_recognitions_leave_no_error_cycles(server):
    """A recognition that fails on the worker (bad audio) and the end of
    every uploaded body: no error raised through the server stays in a cycle."""
    good = (DEV / "arctic_aew_a0003.wav").read_bytes()
    with collector_off():
        gc.collect()
        for body in (b"RIFF" + b"x" * 500, good[:44] + b"\0" * 20, good):
            r = httpx.post(server.url + "/v1/recognize", content=body, headers={**AUTH, "Content-Type": "audio/wav"},
                           timeout=300)
            assert r.status_code == (200 if body is good else 400)
        wait_idle(server)
        assert our_cyclic_errors() == []


def test_detached_errors_keep_no_frames():
    from asr_engine.errors import AudioError, detached

    def fail():
        try:
            raise ValueError("inner")
        except ValueError as inner:
            raise AudioError("outer") from inner

    with pytest.raises(AudioError) as info:
        fail()
    exc = detached(info.value)
    assert exc is info.value and exc.message == "outer"
    assert exc.__traceback__ is None and exc.__cause__.__traceback__ is None
    assert isinstance(exc.__context__, ValueError) and exc.__context__.__traceback__ is None
    assert not any(isinstance(r, types.FrameType) for r in gc.get_referents(exc))
