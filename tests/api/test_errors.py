"""Errors become one JSON shape with the right status."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from agilegov.api.errors import (
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    install_error_handlers,
    problem_dict,
    status_of,
)
from agilegov.errors import (
    AccessDenied,
    AgilegovError,
    Conflict,
    DataError,
    MeasureError,
    NotFound,
    Problem,
    RulebookError,
    UsageError,
)


def test_each_error_has_its_status_and_type() -> None:
    cases: list[tuple[AgilegovError, int, str]] = [
        (DataError("x"), 422, "data_error"),
        (RulebookError("x"), 422, "rulebook_error"),
        (MeasureError("x"), 422, "rulebook_error"),
        (UsageError("x"), 422, "invalid_request"),
        (Unauthorized("x"), 401, "unauthorized"),
        (AccessDenied("x"), 403, "access_denied"),
        (NotFound("x"), 404, "not_found"),
        (Conflict("x"), 409, "conflict"),
        (PayloadTooLarge("x"), 413, "payload_too_large"),
        (UnsupportedMediaType("x"), 415, "unsupported_media_type"),
    ]
    for exc, status, kind in cases:
        assert status_of(exc) == (status, kind), exc


def test_a_problem_keeps_only_known_places_and_names_the_item_of_its_pointer() -> None:
    assert problem_dict(Problem("expected a number", pointer="/3/km")) == {
        "message": "expected a number", "pointer": "/3/km", "item": 3,
    }
    assert problem_dict(Problem("bad", file="r.yaml", line=4, column=2)) == {
        "message": "bad", "file": "r.yaml", "line": 4, "column": 2,
    }
    assert problem_dict(Problem("bad", field="from")) == {"message": "bad", "field": "from"}
    assert problem_dict(Problem("bad", pointer="/x"), item=7)["item"] == 7


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/data")
    def data() -> None:
        raise DataError([Problem("expected a number, got 'x'", pointer="/0/km")])

    @app.get("/token")
    def token() -> None:
        raise Unauthorized("unknown token")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/typed")
    def typed(n: int) -> int:
        return n

    return app


def test_handlers_answer_with_the_error_shape() -> None:
    client = TestClient(_app(), raise_server_exceptions=False)
    r = client.get("/data")
    assert r.status_code == 422
    assert r.json() == {"error": {"type": "data_error", "problems": [
        {"message": "expected a number, got 'x'", "pointer": "/0/km", "item": 0}]}}
    r = client.get("/token")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = client.get("/nowhere")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"
    r = client.get("/typed", params={"n": "seven"})
    assert r.status_code == 422
    (problem,) = r.json()["error"]["problems"]
    assert problem["field"] == "n" and "integer" in problem["message"]


def test_an_unexpected_error_is_a_500_that_hides_internals() -> None:
    r = TestClient(_app(), raise_server_exceptions=False).get("/boom")
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "internal_error"
    assert "secret" not in r.text
