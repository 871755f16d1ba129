"""Domains: listing, summaries, adding rulebooks (government only)."""

from __future__ import annotations

from tests.api.helpers import RULEBOOK, Api, trip

YAML = {"Content-Type": "application/yaml"}


def post_rulebook(api: Api, text: str, who: str = "government", **headers: str):  # type: ignore[no-untyped-def]
    return api.client.post("/v1/domains", content=text.encode(),
                           headers={**api.headers(who), **YAML, **headers})


def test_everyone_lists_domains_and_reads_a_summary(api: Api) -> None:
    listed = api.get("/v1/domains", "public").json()
    assert [d["domain"] for d in listed] == ["robots"]
    one = api.get("/v1/domains/robots", "public").json()
    assert one["version"] == 1 and one["timezone"] == "UTC"
    assert [g["id"] for g in one["goals"]] == ["distance", "fleet"]
    assert one["goals"][0]["target"] == ">= 10"
    (stream,) = one["streams"]
    assert stream["personal"] == ["rider"] and stream["key"] == "trip_id"
    assert one["watermark"] is None
    api.post_events([trip(1, "op-a", 2, 1.0, hour=9)])
    assert api.get("/v1/domains/robots").json()["watermark"] == "2026-04-02T09:00:00+00:00"
    r = api.get("/v1/domains/nowhere")
    assert r.status_code == 404 and r.json()["error"]["type"] == "not_found"


def test_the_government_adds_a_new_version_and_a_new_domain(api: Api) -> None:
    r = post_rulebook(api, RULEBOOK)
    assert r.status_code == 200  # the same text again: nothing changed
    r = post_rulebook(api, RULEBOOK.replace("version: 1", "version: 2"))
    assert r.status_code == 201 and r.json()["version"] == 2
    other = RULEBOOK.replace("domain: robots", "domain: drones")
    r = post_rulebook(api, other)
    assert r.status_code == 201 and r.json()["domain"] == "drones"
    assert [d["domain"] for d in api.get("/v1/domains").json()] == ["drones", "robots"]
    assert api.post_events([trip(1, "op-a", 1, 1.0)], domain="drones").json()["accepted"] == 1


def test_an_older_or_changed_same_version_is_a_conflict(api: Api) -> None:
    r = post_rulebook(api, RULEBOOK.replace('">= 10"', '">= 12"'))
    assert r.status_code == 409 and r.json()["error"]["type"] == "conflict"
    r = post_rulebook(api, RULEBOOK.replace("version: 1", "version: 0"))
    assert r.status_code == 422


def test_a_broken_rulebook_is_a_422_naming_line_and_column(api: Api) -> None:
    r = post_rulebook(api, RULEBOOK.replace("measure: sum(trips.km)", "measure: sum(trips.mm)", 1))
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["type"] == "rulebook_error"
    (problem,) = error["problems"]
    assert problem["line"] == 20 and "mm" in problem["message"]


def test_only_the_government_adds_rulebooks_and_only_as_yaml(api: Api) -> None:
    for who in ("public", "auditor", "op-a", "individual", "community"):
        r = post_rulebook(api, RULEBOOK, who=who)
        assert r.status_code == 403, who
    r = post_rulebook(api, RULEBOOK, **{"Content-Type": "application/pdf"})
    assert r.status_code == 415


def test_a_domain_that_is_not_a_slug_is_not_found(api: Api) -> None:
    for name in ("..", "Robots", "-x", "robots.yaml", "..%2Fkeys%2Frobots"):
        r = api.get(f"/v1/domains/{name}/findings")
        assert r.status_code == 404, name


def test_a_government_account_limited_to_a_domain_changes_only_that_one(api: Api) -> None:
    state = api.client.app.state.services.state  # type: ignore[attr-defined]
    local = state.create_token(state.create_account("city", "government", domain="drones").id)
    headers = {"Authorization": f"Bearer {local}", **YAML}
    drones = RULEBOOK.replace("domain: robots", "domain: drones")
    r = api.client.post("/v1/domains", content=drones.encode(), headers=headers)
    assert r.status_code == 201
    r = api.client.post("/v1/domains", content=RULEBOOK.replace("version: 1", "version: 2")
                        .encode(), headers=headers)
    assert r.status_code == 403
    assert api.get("/v1/domains/robots").json()["version"] == 1
