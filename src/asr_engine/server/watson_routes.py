"""The IBM Watson Speech to Text routes (§1.1, §2.1, §3.1, §1.9, §4).

Each customization route is one row of :data:`OPERATIONS`: the HTTP method
and path of the service, the :class:`~asr_engine.watson.SpeechToText`
method of the same name, where its arguments come from, and the success
status. Path parameters and query parameters keep the SDK's names, so the
handler passes them straight through; the body goes to one argument.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ..errors import AsrError, InvalidArgumentError, UnsupportedMediaTypeError
from ..watson.parameters import RecognizeParameters
from .body import read_body
from .params import convert, query_arguments
from .responses import ibm_error_from, json_body


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    name: str  # the SpeechToText method
    status: int = 200
    #: None, "json" (fields become arguments), "json:ARG" (the body's ARG
    #: field is the argument), "file:ARG" (raw or multipart file), "typed:ARG"
    #: (raw body with its Content-Type passed as ``content_type``).
    body: Optional[str] = None


C = "/v1/customizations/{customization_id}"
A = "/v1/acoustic_customizations/{customization_id}"

OPERATIONS = [
    # custom language models (§2.1)
    Operation("POST", "/v1/customizations", "create_language_model", 201, "json"),
    Operation("GET", "/v1/customizations", "list_language_models"),
    Operation("GET", C, "get_language_model"),
    Operation("DELETE", C, "delete_language_model"),
    Operation("POST", C + "/train", "train_language_model"),
    Operation("POST", C + "/reset", "reset_language_model"),
    Operation("POST", C + "/upgrade_model", "upgrade_language_model"),
    Operation("GET", C + "/corpora", "list_corpora"),
    Operation("POST", C + "/corpora/{corpus_name}", "add_corpus", 201, "file:corpus_file"),
    Operation("GET", C + "/corpora/{corpus_name}", "get_corpus"),
    Operation("DELETE", C + "/corpora/{corpus_name}", "delete_corpus"),
    Operation("GET", C + "/words", "list_words"),
    Operation("POST", C + "/words", "add_words", 201, "json:words"),
    Operation("PUT", C + "/words/{word_name}", "add_word", 201, "json"),
    Operation("GET", C + "/words/{word_name}", "get_word"),
    Operation("DELETE", C + "/words/{word_name}", "delete_word"),
    Operation("GET", C + "/grammars", "list_grammars"),
    Operation("POST", C + "/grammars/{grammar_name}", "add_grammar", 201, "typed:grammar_file"),
    Operation("GET", C + "/grammars/{grammar_name}", "get_grammar"),
    Operation("DELETE", C + "/grammars/{grammar_name}", "delete_grammar"),
    # custom acoustic models (§3.1)
    Operation("POST", "/v1/acoustic_customizations", "create_acoustic_model", 201, "json"),
    Operation("GET", "/v1/acoustic_customizations", "list_acoustic_models"),
    Operation("GET", A, "get_acoustic_model"),
    Operation("DELETE", A, "delete_acoustic_model"),
    Operation("POST", A + "/train", "train_acoustic_model"),
    Operation("POST", A + "/reset", "reset_acoustic_model"),
    Operation("POST", A + "/upgrade_model", "upgrade_acoustic_model"),
    Operation("GET", A + "/audio", "list_audio"),
    Operation("POST", A + "/audio/{audio_name}", "add_audio", 201, "typed:audio_resource"),
    Operation("GET", A + "/audio/{audio_name}", "get_audio"),
    Operation("DELETE", A + "/audio/{audio_name}", "delete_audio"),
    # models (§1.10), asynchronous jobs (§1.9), user data (§4)
    Operation("GET", "/v1/models", "list_models"),
    Operation("GET", "/v1/models/{model_id}", "get_model"),
    Operation("POST", "/v1/register_callback", "register_callback"),
    Operation("POST", "/v1/unregister_callback", "unregister_callback"),
    Operation("GET", "/v1/recognitions", "check_jobs"),
    Operation("GET", "/v1/recognitions/{id}", "check_job"),
    Operation("DELETE", "/v1/recognitions/{id}", "delete_job"),
    Operation("DELETE", "/v1/user_data", "delete_user_data"),
]

#: Query names that are transport, not parameters.
TRANSPORT_QUERY = {"access_token", "x-watson-metadata", "x-watson-learning-opt-out"}


def metadata_headers(request: Request) -> dict:
    """The data-labelling header (§4), passed to the façade as the SDK does."""
    value = request.headers.get("x-watson-metadata")
    if value is None and "x-watson-metadata" in request.query_params:
        value = request.query_params["x-watson-metadata"]
    return {"X-Watson-Metadata": value} if value is not None else {}


async def _file_argument(request: Request, server, field: str) -> bytes:
    """A raw body, or the file part of a multipart body (the SDK's form)."""
    ctype = request.headers.get("content-type", "")
    if ctype.lower().startswith("multipart/form-data"):
        form = await request.form(max_files=4, max_fields=16, max_part_size=server.config.max_body_bytes)
        try:
            part = form.get(field)
            if part is None:
                raise InvalidArgumentError(f"The multipart body has no '{field}' part.")
            if isinstance(part, str):
                return part.encode("utf-8")
            return await part.read()
        finally:
            await form.close()
    return await read_body(request.stream(), max_bytes=server.config.max_body_bytes, content_type=ctype,
                           window=server.config.session_window_seconds)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise InvalidArgumentError("The request body must be a JSON object.")
    ctype = request.headers.get("content-type", "application/json").lower()
    if not (ctype.startswith("application/json") or ctype.startswith("text/plain")):
        raise UnsupportedMediaTypeError(f"Content-Type '{ctype}' is not supported here: send application/json.",
                                        415)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidArgumentError(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise InvalidArgumentError("The request body must be a JSON object.")
    return body


def _handler(server, op: Operation, fn_of: Callable[[Any], Callable]):
    async def handle(request: Request) -> Response:
        try:
            instance = server.auth.ibm(request.headers, request.query_params)
            fn = fn_of(server.watson(instance))
            kwargs: dict[str, Any] = dict(request.path_params)
            query, unknown = query_arguments(fn, request.query_params.multi_items(),
                                             exclude=TRANSPORT_QUERY)
            if unknown:
                raise InvalidArgumentError(f"Unknown url query arguments: {', '.join(unknown)}.")
            kwargs.update(query)
            if op.body == "json":
                body = await _json_body(request)
                clash = set(body) & set(kwargs)
                if clash:
                    raise InvalidArgumentError(f"Fields given twice: {', '.join(sorted(clash))}.")
                kwargs.update(body)
            elif op.body and op.body.startswith("json:"):
                field = op.body[5:]
                body = await _json_body(request)
                if field not in body:
                    raise InvalidArgumentError(f"The JSON body must have a '{field}' field.")
                kwargs[field] = body[field]
            elif op.body and op.body.startswith("file:"):
                kwargs[op.body[5:]] = await _file_argument(request, server, op.body[5:])
            elif op.body and op.body.startswith("typed:"):
                kwargs[op.body[6:]] = await read_body(
                    request.stream(), max_bytes=server.config.max_body_bytes,
                    content_type=request.headers.get("content-type"),
                    window=server.config.session_window_seconds)
                if "content_type" not in kwargs and request.headers.get("content-type"):
                    kwargs["content_type"] = request.headers["content-type"]
                contained = request.headers.get("contained-content-type")
                if contained is not None:
                    kwargs["contained_content_type"] = contained
                if request.headers.get("content-type") is None and op.name == "add_grammar":
                    raise UnsupportedMediaTypeError(
                        "A grammar needs Content-Type application/srgs or application/srgs+xml.", 415)
            headers = metadata_headers(request)
            if headers:
                kwargs["headers"] = headers
            result = await run_in_threadpool(fn, **kwargs)
            return json_body(result, op.status)
        except AsrError as exc:
            return ibm_error_from(exc)

    return handle


async def _recognize(server, request: Request) -> Response:
    """``POST /v1/recognize``: a one-shot or chunked body, or multipart."""
    try:
        instance = server.auth.ibm(request.headers, request.query_params)
        stt = server.watson(instance)
        ctype = request.headers.get("content-type")
        query, unknown = query_arguments(RecognizeParameters, request.query_params.multi_items(),
                                         exclude=TRANSPORT_QUERY | {"audio", "content_type", "customer_id"})
        if ctype and ctype.lower().startswith("multipart/form-data"):
            audio, ctype, meta = await _multipart_audio(server, request, stt)
            for k in meta:
                if k in query:
                    raise InvalidArgumentError(f"Parameter '{k}' is given in both the query and the metadata.")
            query.update(meta)
        else:
            audio = await read_body(request.stream(), max_bytes=server.config.max_body_bytes, content_type=ctype,
                                    window=server.config.session_window_seconds)
        if len(audio) < server.config.min_audio_bytes:
            raise InvalidArgumentError(
                f"Stream was {len(audio)} bytes but needs to be at least {server.config.min_audio_bytes} bytes.")
        headers = metadata_headers(request)
        if headers:
            query["headers"] = headers
    except AsrError as exc:
        return ibm_error_from(exc)

    def run() -> dict:
        result = stt.recognize(audio, ctype, **query)
        if unknown:
            result.setdefault("warnings", []).append(f"Unknown url query arguments: {', '.join(unknown)}.")
        return result

    return await keepalive_response(server, server.pool.run(run))


async def _multipart_audio(server, request: Request, stt) -> tuple[bytes, Optional[str], dict]:
    """The ``upload`` parts and ``metadata`` of a multipart recognition (§1.1)."""
    form = await request.form(max_files=32, max_fields=4, max_part_size=server.config.max_body_bytes)
    try:
        meta_text = form.get("metadata")
        meta: dict = {}
        if meta_text is not None:
            raw = meta_text if isinstance(meta_text, str) else (await meta_text.read()).decode("utf-8", "replace")
            try:
                meta = json.loads(raw)
            except ValueError as exc:
                raise InvalidArgumentError(f"The metadata part is not valid JSON: {exc}") from None
            if not isinstance(meta, dict):
                raise InvalidArgumentError("The metadata part must be a JSON object.")
        uploads = [p for k, p in form.multi_items() if k == "upload" and not isinstance(p, str)]
        if not uploads:
            raise InvalidArgumentError("The multipart body has no 'upload' part with audio.")
        ctype = meta.pop("part_content_type", None) or uploads[0].content_type
        count = meta.pop("data_parts_count", None)
        if count is not None and count != len(uploads):
            raise InvalidArgumentError(f"data_parts_count is {count} but {len(uploads)} upload parts were sent.")
        if len(uploads) > 1:
            raise InvalidArgumentError("Send the audio as one 'upload' part: several parts of one stream "
                                       "are not supported.")
        audio = await uploads[0].read()
        return audio, ctype, meta
    finally:
        await form.close()


async def keepalive_response(server, work) -> Response:
    """The result of ``work`` (an awaitable of a JSON dict). If it is not
    ready within the keep-alive period, the answer starts with 200 and a
    space every period, as IBM's long HTTP recognitions do, then the JSON."""
    task = asyncio.ensure_future(_answer(work))
    done, _ = await asyncio.wait({task}, timeout=server.config.keepalive_seconds)
    if done:
        return _response(task.result())

    async def body():
        while True:
            done, _ = await asyncio.wait({task}, timeout=server.config.keepalive_seconds)
            if done:
                break
            yield b" "
        answer = task.result()
        yield bytes(answer.body) if isinstance(answer, Response) else \
            json.dumps(answer, ensure_ascii=False, indent=2).encode("utf-8")

    return StreamingResponse(body(), media_type="application/json")


async def _answer(work) -> Union[dict, Response]:
    """``work``'s JSON, or its error's response: the task never keeps the
    error, whose traceback holds the recognition's frames (the request's
    audio, its decoder) and the frame awaiting the task (a cycle)."""
    try:
        return await work
    except AsrError as exc:
        return ibm_error_from(exc)


def _response(answer: Union[dict, Response]) -> Response:
    return answer if isinstance(answer, Response) else json_body(answer)


async def _create_job(server, request: Request) -> Response:
    """``POST /v1/recognitions``: an asynchronous recognition (§1.9)."""
    try:
        instance = server.auth.ibm(request.headers, request.query_params)
        stt = server.watson(instance)
        ctype = request.headers.get("content-type")
        job_fields = [("callback_url", "str"), ("events", "str"), ("user_token", "str"), ("results_ttl", "int")]
        items = request.query_params.multi_items()
        job = {name: convert(name, text, kind) for name, kind in job_fields
               for key, text in items if key == name}
        query, unknown = query_arguments(RecognizeParameters, [(k, v) for k, v in items if k not in job],
                                         exclude=TRANSPORT_QUERY | {"audio", "content_type", "customer_id"})
        audio = await read_body(request.stream(), max_bytes=server.config.max_job_bytes, content_type=ctype,
                                window=server.config.session_window_seconds)
        headers = metadata_headers(request)
        if headers:
            query["headers"] = headers
        body = await run_in_threadpool(stt.create_job, audio, ctype, **job, **query)
        if unknown:
            body.setdefault("warnings", []).append(f"Unknown url query arguments: {', '.join(unknown)}.")
        return json_body(body, 201)
    except AsrError as exc:
        return ibm_error_from(exc)


def routes(server) -> list:
    """The Watson routes whose façade methods exist in this build."""
    from ..watson import SpeechToText

    out = []
    by_path: dict[str, dict[str, Operation]] = {}
    for op in OPERATIONS:
        if not hasattr(SpeechToText, op.name):
            continue
        by_path.setdefault(op.path, {})[op.method] = op
    for path, ops in by_path.items():
        handlers = {m: _handler(server, op, (lambda name: lambda stt: getattr(stt, name))(op.name))
                    for m, op in ops.items()}

        async def endpoint(request: Request, handlers=handlers) -> Response:
            return await handlers[request.method](request)

        out.append(Route(path, endpoint, methods=sorted(ops)))

    async def recognize(request: Request) -> Response:
        return await _recognize(server, request)

    async def create_job(request: Request) -> Response:
        return await _create_job(server, request)

    out.append(Route("/v1/recognize", recognize, methods=["POST"]))
    jobs = next(r for r in out if r.path == "/v1/recognitions")
    out.remove(jobs)

    async def recognitions(request: Request) -> Response:
        if request.method == "POST":
            return await _create_job(server, request)
        return await jobs.endpoint(request)

    out.append(Route("/v1/recognitions", recognitions, methods=["GET", "POST"]))
    return out
