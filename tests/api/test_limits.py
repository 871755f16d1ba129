"""Bodies over the limit are refused before they are parsed."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from agilegov.api.errors import install_error_handlers
from agilegov.api.limits import read_body


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await read_body(request, limit=10))}

    return app


def test_a_body_within_the_limit_is_read_whole() -> None:
    r = TestClient(_app()).post("/echo", content=b"0123456789")
    assert r.json() == {"size": 10}


def test_a_body_over_the_limit_is_a_413() -> None:
    r = TestClient(_app()).post("/echo", content=b"0123456789A")
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "payload_too_large"


def test_a_streamed_body_over_the_limit_is_a_413() -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"01234"
        yield b"56789"
        yield b"AB"

    r = TestClient(_app()).post("/echo", content=chunks())
    assert r.status_code == 413
