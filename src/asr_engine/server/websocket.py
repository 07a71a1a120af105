"""The WebSocket ``/v1/recognize`` route (§1.7) over
:class:`~asr_engine.watson.websocket.RecognizeSession`.

The session is the protocol; this module is the transport: it authenticates
the handshake (``Authorization`` header or ``access_token`` query), feeds
each frame to the session on a worker thread, sends back what the session
answers, and closes with the service's codes: 1000 after an error message
the client should act on (inactivity, session timeout), 1002 for protocol
errors, 1009 for frames over 4 MB (uvicorn's ``ws_max_size``), 1011 for
unexpected failures, 1013 when too many streams are open.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Optional

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import AsrError
from ..watson.websocket import URL_PARAMETERS, RecognizeSession
from ..watson.speech_to_text import customer_id_from_headers
from .body import SessionClock, bytes_per_second
from .responses import ibm_error

log = logging.getLogger("asr_engine.server.websocket")

#: How the session's protocol errors begin (closed with 1002; other errors,
#: e.g. inactivity or a bad parameter, are answered and closed with 1000).
_PROTOCOL_ERRORS = ("A text message", "Could not parse", "A binary message", "A start message",
                    "No request to stop")

#: Frames larger than this close the connection with 1009 (§1.5).
MAX_FRAME_BYTES = 4 * 1024 * 1024
#: Seconds of audio gathered from small frames before the session gets
#: them (the SDK sends 32 ms frames; the session's interim hypotheses come
#: every 0.25 s of audio anyway), and seconds without a frame after which
#: what was gathered is given to the session all the same.
COALESCE_SECONDS = 0.25
COALESCE_WAIT = 0.1
#: Most audio one step of a live pass decodes. Each step gives at most one
#: interim hypothesis, so this is also their cadence in audio time: a pass
#: that fell behind under load (a backlog of seconds) still sends one per
#: 0.25 s of audio, not one per backlog (steps of 0.5 s gave gaps of 0.4-0.5 s).
LIVE_STEP_SECONDS = COALESCE_SECONDS


class _Streams:
    """Open streams (at most ``limit``), and where their steps run.

    A stream's live pass (interim hypotheses and, as its phrases end, its
    finals) is small, incremental work: each step runs on the recognition
    pool's workers ahead of the waiting whole recognitions
    (:meth:`~asr_engine.server.pool.RecognitionPool.run_stream`), or on the
    pool's one live-only thread when whole recognitions hold every worker,
    so the streams keep up with their audio while the CPU allows. The audio
    a live pass has not reached when its request ends is decoded then,
    without interim hypotheses."""

    def __init__(self, limit: int, pool) -> None:
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()
        self._pool = pool

    async def run(self, fn, *args):
        return await self._pool.run_stream(fn, *args)

    async def run_end(self, fn, *args):
        """A request's end: before the other streams' live steps."""
        return await self._pool.run_stream_end(fn, *args)

    def enter(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.open -= 1


async def _run_in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def routes(server) -> list:
    streams = _Streams(server.config.max_streams, server.pool)

    async def recognize(ws: WebSocket) -> None:
        query = dict(ws.query_params)
        try:
            instance = server.auth.ibm(ws.headers, query)
            stt = server.watson(instance)
            meta = query.get("x-watson-metadata")
            customer_id = customer_id_from_headers({"X-Watson-Metadata": meta}) if meta else None
            url_params = {k: v for k, v in query.items() if k in URL_PARAMETERS}
            unknown = sorted(set(query) - set(URL_PARAMETERS) - {"access_token", "x-watson-metadata",
                                                                  "x-watson-learning-opt-out"})
            session = RecognizeSession(stt, url_params, customer_id=customer_id)
        except AsrError as exc:
            await _deny(ws, exc)
            return
        if not streams.enter():
            await ws.accept()
            await ws.send_text(json.dumps({"error": "Too many open recognition streams; retry later."}))
            await ws.close(code=1013)
            return
        try:
            await ws.accept()
            await _serve(server, ws, session, unknown, streams)
        finally:
            streams.leave()

    return [WebSocketRoute("/v1/recognize", recognize)]


async def _deny(ws: WebSocket, exc: AsrError) -> None:
    """Refuse the handshake with the HTTP error the service gives."""
    try:
        await ws.send_denial_response(ibm_error(exc.code, exc.message))
    except RuntimeError:  # the server has no denial-response support
        await ws.close(code=1008, reason=exc.message[:120])


async def _serve(server, ws: WebSocket, session: RecognizeSession, unknown: list[str], streams: _Streams) -> None:
    window = server.config.session_window_seconds
    clock = SessionClock(window)
    conn = _Connection(ws, session, unknown, streams, clock)
    try:
        await _read_frames(server, ws, session, conn, window)
    finally:
        # The connection lets go of its live step before cancelling it: the
        # cancelled task keeps its CancelledError, whose traceback holds the
        # step's frames and so the connection (a cycle through conn.live
        # that kept the session's decoder alive until a full collection).
        live, conn.live = conn.live, None
        if live is not None and not live.done():
            live.cancel()


async def _read_frames(server, ws: WebSocket, session: RecognizeSession, conn: "_Connection", window: float) -> None:
    """Frames in, answers out. Audio is read as fast as the client sends it:
    the live pass of interim hypotheses runs beside the reading (one step at
    a time per stream, on whatever audio gathered meanwhile), and whatever
    it has not reached when the request ends is decoded then, without interim hypotheses."""
    clock = conn.clock
    while True:
        idle = conn.pending and (conn.live is None or conn.live.done())
        try:
            message = await asyncio.wait_for(ws.receive(), timeout=COALESCE_WAIT if idle else window)
        except asyncio.TimeoutError:
            if idle:  # the client paused: decode what came
                conn.start_live(force=True)
                continue
            await _close_with(ws, {"error": "Session timed out."}, 1000)
            return
        if message["type"] == "websocket.disconnect":
            return
        if conn.closed:
            return
        try:
            if message.get("text") is not None:
                text = message["text"]
                if len(text) > MAX_FRAME_BYTES:
                    await _close_with(ws, {"error": "The message is larger than 4 MB."}, 1009)
                    return
                if not await conn.settle():
                    return
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None
                action = parsed.get("action") if isinstance(parsed, dict) else None
                if action == "start":
                    conn.content_type = parsed.get("content-type") or parsed.get("content_type")
                    conn.rate = None
                # A stop flushes the stream's last phrase (or recognizes a container
                # the stream cannot take): a stream step on the recognition pool;
                # other messages (a start resolves the models) on another thread.
                run = conn.streams.run_end if action == "stop" else _run_in_thread
                if not await conn.step(run, session.receive_text, text):
                    return
            else:
                data = message.get("bytes") or b""
                if data:
                    if conn.rate is None:
                        conn.rate = bytes_per_second(conn.content_type, data[:64])
                    clock.add(len(data) / conn.rate)
                    clock.check(time.monotonic())
                    conn.pending += data
                    conn.start_live()
                else:  # the empty frame ends the request
                    if not await conn.settle():
                        return
                    if not await conn.step(conn.streams.run_end, session.receive_binary, b""):
                        return
        except AsrError as exc:  # the session clock
            await _close_with(ws, {"error": "Session timed out."} if exc.code == 408 else {"error": exc.message},
                              1000)
            return
        except Exception:  # never a traceback to the client (it goes to the log)
            log.exception("WebSocket recognition failed")
            await _close_with(ws, {"error": "Internal error while recognizing."}, 1011)
            return


class _Connection:
    """The state of one WebSocket connection between frames."""

    def __init__(self, ws: WebSocket, session: RecognizeSession, unknown: list[str], streams: _Streams,
                 clock: SessionClock) -> None:
        self.ws = ws
        self.session = session
        self.unknown = unknown
        self.warned = not unknown
        self.streams = streams
        self.clock = clock
        self.rate: Optional[float] = None
        self.content_type: Optional[str] = None
        self.pending = bytearray()  # audio read but not yet given to the session
        self.live: Optional[asyncio.Task] = None  # the live pass's step in flight
        #: A message that ends or starts a request came: the live pass stops
        #: after its step in flight (settle() decodes the rest at once).
        self.ending = False
        self.closed = False

    def take(self, limit: Optional[int] = None) -> bytes:
        """The gathered audio, at most ``limit`` bytes (the session's live
        decoder keeps a partial sample for the next step)."""
        if limit is None or len(self.pending) <= limit:
            data = bytes(self.pending)
            self.pending.clear()
            return data
        data = bytes(self.pending[:limit])
        del self.pending[:limit]
        return data

    def start_live(self, force: bool = False) -> None:
        """Start the live pass on the gathered audio unless it is running."""
        if self.live is not None and not self.live.done():
            return
        if self.pending and (force or self.rate is None or len(self.pending) >= self.rate * COALESCE_SECONDS):
            self.live = asyncio.ensure_future(self._live_loop())

    async def _live_loop(self) -> None:
        try:
            while self.pending and not self.closed and not self.ending:
                # A bounded step: a request that ends waits for at most
                # this much live decoding (settle() decodes the rest, no interims).
                limit = None if self.rate is None else int(self.rate * LIVE_STEP_SECONDS)
                if not await self.step(self.streams.run, self.session.receive_audio, self.take(limit),
                                       exclude=False):
                    return
                if self.rate is not None and len(self.pending) < self.rate * COALESCE_SECONDS:
                    return  # the reader starts the next step when enough came
        except (WebSocketDisconnect, RuntimeError):
            self.closed = True
        except Exception:  # never a traceback to the client (it goes to the log)
            log.exception("WebSocket recognition failed")
            self.closed = True
            await _close_with(self.ws, {"error": "Internal error while recognizing."}, 1011)

    async def settle(self) -> bool:
        """Before a message that ends or starts a request: wait for the live
        step in flight; the audio it has not reached is decoded without an
        interim hypothesis. False once closed."""
        if self.live is not None:
            # Only the step in flight: a live pass that fell behind would
            # otherwise work through its backlog 0.25 s a step, each step
            # queued behind every other stream's (finals a minute late
            # under load), for interim hypotheses no one waits for now.
            self.ending = True
            try:
                await asyncio.shield(self.live)
            finally:
                self.ending = False
            self.live = None
        if self.closed:
            return False
        if self.pending:
            # The session's stream decodes it (its finals come from no other
            # pass): on a worker, not in the loop, as one step; no interim built.
            return await self.step(self.streams.run_end, self.session.receive_audio, self.take(), False)
        return True

    async def step(self, run, fn, *args, exclude: bool = True) -> bool:
        """Run a session call (``run``: on a stream thread or the recognition
        pool) and send what it answers; the time it takes does not count
        against the client's session clock when the reading waited for it.
        False once the connection is closed."""
        started = time.monotonic()
        answers = await run(fn, *args)
        if exclude:
            self.clock.exclude(time.monotonic() - started)
        return await self._send(answers)

    async def _send(self, answers: list[dict]) -> bool:
        if self.closed:
            return False
        for answer in answers:
            if not self.warned and "results" in answer:
                answer.setdefault("warnings", []).append(f"Unknown url query arguments: {', '.join(self.unknown)}.")
                self.warned = True
            await self.ws.send_text(json.dumps(answer, ensure_ascii=False))
        if self.session.closed:
            self.closed = True
            error = next((a.get("error", "") for a in answers if "error" in a), "")
            await self.ws.close(code=1002 if error.startswith(_PROTOCOL_ERRORS) else 1000)
            return False
        return True


async def _close_with(ws: WebSocket, message: dict, code: int) -> None:
    try:
        await ws.send_text(json.dumps(message))
        await ws.close(code=code)
    except (WebSocketDisconnect, RuntimeError):
        pass
