"""The services' response conventions: error bodies, transaction ids."""
from __future__ import annotations

import json
import uuid
from typing import Any, Optional

from starlette.responses import JSONResponse, Response

from ..errors import AsrError
from ..watson.errors import code_description


def transaction_id() -> str:
    return uuid.uuid4().hex


def ibm_error(code: int, message: str, headers: Optional[dict] = None) -> JSONResponse:
    """IBM's error body (§1.8): ``{"code", "code_description", "error"}``."""
    body = {"code": code, "code_description": code_description(code), "error": message}
    return JSONResponse(body, status_code=code, headers=headers)


def ibm_error_from(exc: AsrError) -> JSONResponse:
    code = exc.code if 400 <= int(exc.code) <= 599 else 500
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
    if code == 401:
        headers = dict(headers or {}, **{"WWW-Authenticate": 'Basic realm="IBM Watson Gateway"'})
    return ibm_error(code, exc.message, headers)


def azure_error(code: int, message: str, headers: Optional[dict] = None) -> Response:
    """Azure documents no error schema for this API (§5.2); the Speech
    service's gateway answers JSON ``{"error": {"code", "message"}}``."""
    body = {"error": {"code": code_description(code).replace(" ", ""), "message": message}}
    return JSONResponse(body, status_code=code, headers=headers)


def json_body(data: Any, status: int = 200, headers: Optional[dict] = None) -> Response:
    """A JSON answer; an empty dict is an empty body, as the service's
    customization calls answer (``201`` with no content)."""
    if data is None or data == {}:
        return Response(b"", status_code=status, headers=headers)
    return Response(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), status_code=status,
                    media_type="application/json", headers=headers)
