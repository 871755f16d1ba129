"""Structured logs: JSON lines, one per request."""

from __future__ import annotations

import logging

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agilegov.api.logs import REQUEST_LOGGER, JsonFormatter, RequestLog


def test_the_formatter_writes_one_json_object_with_the_fields() -> None:
    record = logging.LogRecord("agilegov.x", logging.INFO, "f.py", 1, "hello %s", ("you",), None)
    record.fields = {"event": "ingest", "accepted": 3}
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = orjson.loads(line)
    assert data["message"] == "hello you" and data["level"] == "info"
    assert data["logger"] == "agilegov.x"
    assert data["event"] == "ingest" and data["accepted"] == 3
    assert data["time"].endswith("+00:00")


def test_one_line_per_request_with_method_path_status_and_ms(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FastAPI()

    @app.get("/hello")
    def hello() -> dict[str, str]:
        return {"hi": "there"}

    app.add_middleware(RequestLog)
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        TestClient(app).get("/hello")
        TestClient(app).get("/missing")
    records = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    assert [(r.fields["method"], r.fields["path"], r.fields["status"])  # type: ignore[attr-defined]
            for r in records] == [("GET", "/hello", 200), ("GET", "/missing", 404)]
    assert all(r.fields["ms"] >= 0 for r in records)  # type: ignore[attr-defined]
