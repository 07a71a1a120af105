"""The application: authentication, limits, logs, health, and the routes."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from typing import Optional
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import AsrError
from .auth import AZURE, IBM, Authenticator
from .config import ServerConfig
from .pool import RecognitionPool
from .responses import azure_error, ibm_error, transaction_id
from .tokens import TokenSigner

log = logging.getLogger("asr_engine.server.access")


class Server:
    """What the routes share: configuration, store, façades, pool, auth."""

    def __init__(self, config: ServerConfig) -> None:
        from ..customization import Store

        config.check()
        self.config = config
        self.store = Store(config.store, database_url=config.database_url,
                           min_acoustic_minutes=config.min_acoustic_minutes)
        secret = config.token_secret or hashlib.sha256(b"asr-engine\0" + config.keys.fingerprint()
                                                       + str(self.store.path.resolve()).encode()).digest()
        self.signer = TokenSigner(secret, config.token_seconds)
        self.auth = Authenticator(config.keys, self.signer)
        self.pool = RecognitionPool(config.workers, config.queue)
        self._facades: dict[str, object] = {}
        self._jobs = None  # one JobManager for every instance, started with the server
        self._lock = threading.Lock()
        self.service_url = f"http://{config.host}:{config.port}"
        self.ready = False
        self.in_flight = 0

    def watson(self, instance: str):
        """The instance's :class:`~asr_engine.watson.SpeechToText` (one per instance)."""
        from ..watson import SpeechToText

        with self._lock:
            stt = self._facades.get(instance)
            if stt is None:
                stt = self._facades[instance] = SpeechToText(self.store, owner=instance,
                                                             service_url=self.service_url, jobs=_LazyJobs(self))
            return stt

    def azure(self, instance: str):
        """The instance's :class:`~asr_engine.azure.SpeechService` (one per instance)."""
        from ..azure import SpeechService

        with self._lock:
            key = "azure:" + instance
            service = self._facades.get(key)
            if service is None:
                service = self._facades[key] = SpeechService(self.store, owner=instance)
            return service

    def job_manager(self):
        from ..watson.jobs import JobManager

        with self._lock:
            if self._jobs is None:
                self._jobs = JobManager(self.store)
            return self._jobs

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        if self._jobs is not None:
            self._jobs.close()
        self.store.close()


class _LazyJobs:
    """The server's one :class:`JobManager`, created when the application
    starts or a job first needs it (its worker processes start with the first job)."""

    def __init__(self, server: Server) -> None:
        self._server = server

    def __getattr__(self, name: str):
        return getattr(self._server.job_manager(), name)


class AccessLog:
    """ASGI middleware: one structured log line per request (no audio, no
    keys: the query's ``access_token`` is dropped), a transaction id header,
    the body cap from ``Content-Length``, and the in-flight count for a
    graceful shutdown."""

    def __init__(self, app, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        tid = transaction_id()
        start = time.monotonic()
        status = {"code": 0}
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["type"] == "http":
            length = headers.get("content-length")
            cap = (self.server.config.max_job_bytes if scope.get("path") == "/v1/recognitions"
                   else self.server.config.max_body_bytes)
            if length is not None and length.isdigit() and int(length) > cap:
                response = ibm_error(413, "Request failed because the input stream is larger than 100 MB")
                await response(scope, receive, send)
                self._log(scope, tid, 413, start)
                return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-global-transaction-id", tid.encode())]
            elif message["type"] == "websocket.accept":
                status["code"] = 101
            elif message["type"] == "websocket.close" and not status["code"]:
                status["code"] = 403
            await send(message)

        self.server.in_flight += 1
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.server.in_flight -= 1
            self._log(scope, tid, status["code"], start)

    def _log(self, scope, tid: str, code: int, start: float) -> None:
        query = {k: v for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()
                 if k not in ("access_token",)}
        log.info(json.dumps({
            "transaction_id": tid, "method": scope.get("method", "WS"), "path": scope.get("path"),
            "query": sorted(query), "status": code, "seconds": round(time.monotonic() - start, 4),
            "client": (scope.get("client") or ["?"])[0],
        }))


def _token_routes(server: Server) -> list:
    async def iam_token(request: Request) -> Response:
        """IAM-style ``POST /identity/token`` for ``IAMAuthenticator(url=server)``."""
        form = await request.form(max_fields=8, max_files=0)
        if form.get("grant_type") != "urn:ibm:params:oauth:grant-type:apikey":
            return JSONResponse({"errorCode": "BXNIM0415E", "errorMessage": "Provided grant type is invalid"},
                                status_code=400)
        try:
            instance = server.auth.key_instance(str(form.get("apikey", "")))
        except AsrError:
            return JSONResponse({"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found"},
                                status_code=400)
        token, exp = server.signer.issue(instance, IBM)
        refresh, _ = server.signer.issue(instance, "refresh")
        return JSONResponse({"access_token": token, "refresh_token": refresh, "token_type": "Bearer",
                             "expires_in": int(server.signer.lifetime), "expiration": exp})

    async def issue_token(request: Request) -> Response:
        """Azure ``POST /sts/v1.0/issueToken``: the JWT as plain text."""
        try:
            instance = server.auth.azure(request.headers)
        except AsrError as exc:
            return azure_error(exc.code, exc.message)
        token, _ = server.signer.issue(instance, AZURE)
        return PlainTextResponse(token)

    return [Route("/identity/token", iam_token, methods=["POST"]),
            Route("/sts/v1.0/issueToken", issue_token, methods=["POST"])]


def _health_routes(server: Server) -> list:
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            with server.store.reading() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:  # the database is what readiness depends on
            return JSONResponse({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
        if not server.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        return JSONResponse({"status": "ready", "recognitions": server.pool.admitted})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]


def create_app(config: Optional[ServerConfig] = None) -> Starlette:
    """The ASGI application; ``app.state.server`` is its :class:`Server`."""
    from . import azure_routes, watson_routes, websocket

    server = Server(config or ServerConfig())
    routes = (_health_routes(server) + _token_routes(server) + watson_routes.routes(server)
              + websocket.routes(server) + azure_routes.routes(server))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Started now, not on first use: jobs recorded before a restart, or by
        # another replica, must run (its worker processes start with a job).
        server.job_manager()
        server.ready = True
        try:
            yield
        finally:
            server.ready = False
            server.close()

    async def not_found(request: Request, exc) -> Response:
        code = getattr(exc, "status_code", 404)
        text = "Not Found" if code == 404 else "Method Not Allowed" if code == 405 else str(exc)
        return ibm_error(code, f"{text}: {request.method} {request.url.path}")

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={404: not_found, 405: not_found})
    app.state.server = server
    return AccessLogApp(app, server)


class AccessLogApp(AccessLog):
    """The Starlette app wrapped in :class:`AccessLog`, keeping ``.state``."""

    @property
    def state(self):
        return self.app.state
