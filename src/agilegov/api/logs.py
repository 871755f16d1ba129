"""Structured logs: one JSON object per line, and one line per HTTP request.

A log call passes its fields as `extra={"fields": {...}}`; the formatter merges them
into the line next to `time`, `level`, `logger` and `message`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_LOGGER = "agilegov.api.request"


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...fields}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def configure_json_logging(level: str = "info") -> None:
    """Send every agilegov and uvicorn log line to stderr as JSON (called by `serve`)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("agilegov", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False


class RequestLog:
    """ASGI middleware: one line per HTTP request (method, path, status, ms).

    Pure ASGI (not `BaseHTTPMiddleware`) so that streamed answers (SSE) pass through
    untouched; a streamed answer is logged when it ends.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(REQUEST_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            ms = round((time.perf_counter() - start) * 1000, 3)
            fields = {
                "event": "request",
                "method": scope.get("method", ""),
                "path": scope.get("path", ""),
                "status": status,
                "ms": ms,
            }
            self.log.info("%s %s %s", fields["method"], fields["path"], status,
                          extra={"fields": fields})
