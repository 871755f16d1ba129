"""Every role, the public and a bad token against every endpoint, on SQLite and PostgreSQL.

Expected statuses follow `agilegov.access.policy`: the government manages and reads all,
auditors read all, an operator reports and reads only its own data, individuals,
communities and the public read domains and published aggregates. A token that is not
valid is a 401 on every endpoint that looks at the caller.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from tests.api.helpers import RULEBOOK, Api, trip

Call = Callable[[Api, str], Any]
EVERYONE = ("government", "auditor", "op-a", "individual", "community", "public")
READERS = ("government", "auditor", "op-a")  # may read some findings
BAD_TOKEN = "agt_" + "x" * 43


def headers(api: Api, who: str) -> dict[str, str]:
    if who == "bad-token":
        return {"Authorization": f"Bearer {BAD_TOKEN}"}
    if who == "malformed":
        return {"Authorization": "Basic dXNlcjpwYXNz"}
    return api.headers(who)


def get(path: str, **params: Any) -> Call:
    return lambda api, who: api.client.get(path, params=params, headers=headers(api, who))


def post_events(api: Api, who: str) -> Any:
    operator = "op-a" if who in ("op-a", "government") else "op-b"
    return api.client.post(
        "/v1/domains/robots/streams/trips/events", json=[trip(50, operator, 2, 1.0)],
        headers=headers(api, who),
    )


def post_file(api: Api, who: str) -> Any:
    csv = b"trip_id,operator,ended_at,km\nf1,op-a,2026-04-02T10:00:00Z,1\n"
    return api.client.post("/v1/domains/robots/streams/trips/files",
                           files={"file": ("t.csv", io.BytesIO(csv), "text/csv")},
                           headers=headers(api, who))


def post_rulebook(api: Api, who: str) -> Any:
    return api.client.post("/v1/domains", content=RULEBOOK.encode(),
                           headers={**headers(api, who), "Content-Type": "application/yaml"})


def post_webhook(api: Api, who: str) -> Any:
    return api.client.post("/v1/domains/robots/webhooks", json={"url": "http://127.0.0.1:9/h"},
                           headers=headers(api, who))


D = "/v1/domains/robots"
# endpoint -> (call, callers allowed, status when allowed)
MATRIX: dict[str, tuple[Call, tuple[str, ...], int]] = {
    "GET /v1/domains": (get("/v1/domains"), EVERYONE, 200),
    "GET domain": (get(D), EVERYONE, 200),
    "POST /v1/domains": (post_rulebook, ("government",), 200),
    "POST events": (post_events, ("government", "op-a"), 200),
    "POST files": (post_file, ("government", "op-a"), 200),
    "GET quarantine": (get(f"{D}/quarantine"), READERS, 200),
    "GET findings": (get(f"{D}/findings"), READERS, 200),
    "GET history": (get(f"{D}/findings/distance/op-a/1/history"), READERS, 200),
    "GET actions": (get(f"{D}/actions"), READERS, 200),
    "GET aggregates": (get(f"{D}/aggregates"), EVERYONE, 200),
    "POST webhooks": (post_webhook, ("government",), 201),
    "GET webhooks": (get(f"{D}/webhooks"), ("government",), 200),
    "GET deliveries": (get(f"{D}/webhooks/1/deliveries"), ("government",), 200),
}
# The live stream never ends: callers allowed to open it are tested on a real server
# (test_routes_stream); here, only those refused before it starts.
STREAM_REFUSED = ("individual", "community", "public")


def seed(api: Api) -> None:
    api.post_events([trip(1, "op-a", 1, 4.0), trip(2, "op-b", 1, 12.0), trip(3, "op-a", 3, 1.0),
                     trip(4, "op-b", 3, 1.0)])
    api.post_events([{**trip(5, "op-b", 1, 1.0), "km": "x"}], who="op-b")
    api.client.post(f"{D}/webhooks", json={"url": "http://127.0.0.1:9/seed"},
                    headers=api.headers("government"))


def test_every_caller_against_every_endpoint(api_any_db: Api) -> None:
    api = api_any_db
    seed(api)
    wrong: list[str] = []
    for name, (call, allowed, ok) in MATRIX.items():
        for who in EVERYONE:
            expected = ok if who in allowed else 403
            got = call(api, who).status_code
            if got != expected:
                wrong.append(f"{name} as {who}: {got}, expected {expected}")
        for who in ("bad-token", "malformed"):
            got = call(api, who).status_code
            if got != 401:
                wrong.append(f"{name} with {who}: {got}, expected 401")
    for who in STREAM_REFUSED:
        got = get(f"{D}/stream")(api, who).status_code
        if got != 403:
            wrong.append(f"GET stream as {who}: {got}, expected 403")
    assert wrong == []


@pytest.mark.parametrize("path", ["/findings", "/actions", "/quarantine", "/aggregates", "",
                                  "/findings/distance/op-a/1/history", "/webhooks"])
def test_an_unknown_domain_is_a_404_for_the_government(api: Api, path: str) -> None:
    assert api.get(f"/v1/domains/nowhere{path}").status_code == 404


def test_operators_see_only_their_own_data(api_any_db: Api) -> None:
    api = api_any_db
    seed(api)
    for who in ("op-a", "op-b"):
        for path in ("/findings", "/actions", "/quarantine"):
            items = api.get(f"{D}{path}", who).json()["items"]
            key = "operator" if path == "/quarantine" else "actor"
            assert {i[key] for i in items} <= {who}, (who, path)
    assert {i["actor"] for i in api.get(f"{D}/findings", "op-a").json()["items"]} == {"op-a"}
    assert api.get(f"{D}/quarantine", "op-a").json()["items"] == []
    assert len(api.get(f"{D}/quarantine", "op-b").json()["items"]) == 1
    everything = api.get(f"{D}/findings", "auditor").json()["items"]
    assert {i["actor"] for i in everything} == {"op-a", "op-b", "*"}


def test_healthz_and_metrics_ignore_the_caller(api: Api) -> None:
    for path in ("/healthz", "/metrics"):
        for who in (*EVERYONE, "bad-token"):
            assert get(path)(api, who).status_code == 200, (path, who)
