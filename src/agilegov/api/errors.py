"""Errors as HTTP answers: one JSON shape for every failure.

```json
{"error": {"type": "data_error", "problems": [{"message": "...", "pointer": "/3/km", "item": 3}]}}
```

| error | status | type |
| --- | --- | --- |
| `DataError` (bad body or items) | 422 | `data_error` |
| `RulebookError` (incl. `MeasureError`) | 422 | `rulebook_error` |
| `UsageError` (bad query parameter) | 422 | `invalid_request` |
| `Unauthorized` (unknown or malformed token) | 401 | `unauthorized` |
| `AccessDenied` | 403 | `access_denied` |
| `NotFound` | 404 | `not_found` |
| `Conflict` | 409 | `conflict` |
| request validation (FastAPI) | 422 | `invalid_request` |
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agilegov.errors import (
    AccessDenied,
    AgilegovError,
    Conflict,
    DataError,
    NotFound,
    Problem,
    RulebookError,
    UsageError,
)

log = logging.getLogger("agilegov.api")


class Unauthorized(AgilegovError):
    """A bearer token was sent but is not valid (unknown, revoked or malformed)."""


class PayloadTooLarge(AgilegovError):
    """A request body over the size limit."""


class UnsupportedMediaType(AgilegovError):
    """A request body in a format the endpoint does not read."""


# Most specific first: MeasureError is a RulebookError.
_STATUS: tuple[tuple[type[AgilegovError], int, str], ...] = (
    (DataError, 422, "data_error"),
    (RulebookError, 422, "rulebook_error"),
    (UsageError, 422, "invalid_request"),
    (Unauthorized, 401, "unauthorized"),
    (AccessDenied, 403, "access_denied"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
)

_HTTP_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "access_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def problem_dict(problem: Problem, item: int | None = None) -> dict[str, Any]:
    """The wire form of one problem: only the keys that are known."""
    out: dict[str, Any] = {"message": problem.message}
    for key in ("pointer", "field", "file", "line", "column", "row"):
        value = getattr(problem, key)
        if value is not None:
            out[key] = value
    if item is not None:
        out["item"] = item
    elif problem.pointer:
        head = problem.pointer.split("/")[1]
        if head.isdigit():
            out["item"] = int(head)
    return out


def error_body(kind: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    return {"error": {"type": kind, "problems": problems}}


def status_of(exc: AgilegovError) -> tuple[int, str]:
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            return status, kind
    return 400, "bad_request"


async def _agilegov_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AgilegovError)
    status, kind = status_of(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="agilegov"'} if status == 401 else None
    body = error_body(kind, [problem_dict(p) for p in exc.problems])
    return JSONResponse(body, status_code=status, headers=headers)


def _pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc[1:]]
    return "/" + "/".join(parts) if parts else ""


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[dict[str, Any]] = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        where = str(loc[0]) if loc else "request"
        entry: dict[str, Any] = {"message": f"{where}: {err.get('msg', 'invalid')}"}
        if where in ("query", "path", "header") and len(loc) > 1:
            entry["field"] = str(loc[1])
        else:
            entry["pointer"] = _pointer(loc)
        problems.append(entry)
    return JSONResponse(error_body("invalid_request", problems), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_TYPES.get(exc.status_code, "http_error")
    body = error_body(kind, [{"message": str(exc.detail)}])
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    body = error_body("internal_error", [{"message": "internal error; see the server log"}])
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AgilegovError, _agilegov_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
