"""The Azure short-audio REST routes (§5.1-5.2) over
:class:`~asr_engine.azure.SpeechService`.

``POST /speech/recognition/conversation/cognitiveservices/v1`` takes the
query (``language``, ``format``, ``profanity``, ``cid``), the audio as one
body or a chunked upload (uvicorn answers ``Expect: 100-continue`` when the
body is first read), and the ``Pronunciation-Assessment`` header; the
façade's ``handle`` gives the status and JSON. ``POST /sts/v1.0/issueToken``
lives with the other token route (:mod:`.app`).
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import AsrError
from .body import read_body
from .responses import azure_error

PATH = "/speech/recognition/conversation/cognitiveservices/v1"


def routes(server) -> list:
    async def recognize(request: Request) -> Response:
        try:
            instance = server.auth.azure(request.headers)
            body = await read_body(request.stream(), max_bytes=server.config.max_body_bytes,
                                   content_type=request.headers.get("content-type"),
                                   window=server.config.session_window_seconds)
            service = server.azure(instance)
            status, data = await server.pool.run(service.handle, dict(request.query_params),
                                                 dict(request.headers), body)
        except AsrError as exc:
            return azure_error(exc.code, exc.message,
                               {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None)
        return JSONResponse(data, status_code=status)

    return [Route(PATH, recognize, methods=["POST"])]
