"""Findings, history, actions and aggregates: filters, pagination, who sees what."""

from __future__ import annotations

from tests.api.helpers import Api, trip

FINDINGS = "/v1/domains/robots/findings"
ACTIONS = "/v1/domains/robots/actions"


def seed(api: Api) -> None:
    """op-a drives 4 km on day 1 and 20 km on day 2; op-b 12 km on day 1; both on day 4."""
    batch = [trip(1, "op-a", 1, 4.0), trip(2, "op-b", 1, 12.0), trip(3, "op-a", 2, 20.0),
             trip(4, "op-a", 4, 1.0), trip(5, "op-b", 4, 1.0)]
    assert api.post_events(batch).json()["accepted"] == 5


def test_findings_with_filters(api: Api) -> None:
    seed(api)
    page = api.get(FINDINGS, goal="distance").json()
    got = [(f["actor"], f["window_end"][:10], f["status"]) for f in page["items"]]
    assert got == [
        ("op-a", "2026-04-02", "unmet"),
        ("op-a", "2026-04-03", "met"),
        ("op-b", "2026-04-02", "met"),
    ]
    assert page["total"] == 3 and page["next_offset"] is None
    assert page["items"][0]["value"] == 4.0 and page["items"][0]["target"] == ">= 10"
    unmet = api.get(FINDINGS, goal="distance", status="unmet").json()["items"]
    assert [f["actor"] for f in unmet] == ["op-a"]
    mine = api.get(FINDINGS, goal="distance", actor="op-b").json()["items"]
    assert [f["actor"] for f in mine] == ["op-b"]
    late = api.get(FINDINGS, goal="distance", **{"from": "2026-04-03"}).json()["items"]
    assert [f["window_end"][:10] for f in late] == ["2026-04-03"]
    early = api.get(FINDINGS, goal="distance", to="2026-04-03T00:00:00+00:00").json()["items"]
    assert {f["window_end"][:10] for f in early} == {"2026-04-02"}


def test_pagination_walks_every_finding_once(api: Api) -> None:
    seed(api)
    everything = api.get(FINDINGS).json()
    seen: list[tuple[str, str, int]] = []
    offset: int | None = 0
    while offset is not None:
        page = api.get(FINDINGS, limit=2, offset=offset).json()
        assert len(page["items"]) <= 2 and page["total"] == everything["total"]
        seen += [(f["goal"], f["actor"], f["k"]) for f in page["items"]]
        offset = page["next_offset"]
    assert seen == [(f["goal"], f["actor"], f["k"]) for f in everything["items"]]
    assert len(seen) == everything["total"]


def test_an_operator_sees_only_its_own_findings_and_actions(api: Api) -> None:
    seed(api)
    for who in ("op-a", "op-b"):
        found = api.get(FINDINGS, who).json()["items"]
        assert found and {f["actor"] for f in found} == {who}
        acts = api.get(ACTIONS, who).json()["items"]
        assert {a["actor"] for a in acts} <= {who}
    r = api.get(FINDINGS, "op-a", actor="op-b")
    assert r.status_code == 403 and r.json()["error"]["type"] == "access_denied"
    assert api.get(ACTIONS, "op-a", actor="op-b").status_code == 403
    assert {f["actor"] for f in api.get(FINDINGS, "auditor").json()["items"]} == {
        "op-a", "op-b", "*"}


def test_bad_query_values_are_named(api: Api) -> None:
    r = api.get(FINDINGS, **{"from": "last tuesday"})
    assert r.status_code == 422
    (problem,) = r.json()["error"]["problems"]
    assert problem["field"] == "from" and "ISO 8601" in problem["message"]
    r = api.get(FINDINGS, limit=0)
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["field"] == "limit"
    r = api.get(FINDINGS, status="great")
    assert r.status_code == 422
    r = api.get(FINDINGS, goal="speed")
    assert r.status_code == 404 and "distance" in r.json()["error"]["problems"][0]["message"]


def test_a_late_event_revises_a_finding_and_withdraws_its_action(api: Api) -> None:
    seed(api)
    notice = api.get(ACTIONS, actor="op-a").json()["items"]
    assert [(a["do"], a["at"][:10], a["state"]) for a in notice] == [
        ("notice", "2026-04-02", "active")]
    api.post_events([trip(6, "op-a", 1, 7.0, hour=20)])
    (revised,) = [f for f in api.get(FINDINGS, goal="distance", actor="op-a").json()["items"]
                  if f["window_end"].startswith("2026-04-02")]
    assert revised["value"] == 11.0 and revised["status"] == "met" and revised["revision"] == 1
    history = api.get(f"{FINDINGS}/distance/op-a/{revised['k']}/history").json()
    assert [h["revision"] for h in history] == [0, 1]
    assert history[1]["previous_status"] == "unmet" and history[1]["status"] == "met"
    assert api.get(ACTIONS, actor="op-a").json()["items"] == []
    withdrawn = api.get(ACTIONS, actor="op-a", state="withdrawn").json()["items"]
    assert [a["do"] for a in withdrawn] == ["notice"]
    both = api.get(ACTIONS, actor="op-a", state="all").json()
    assert both["total"] == 1


def test_history_of_an_unknown_finding_or_another_operator(api: Api) -> None:
    seed(api)
    assert api.get(f"{FINDINGS}/distance/op-a/999/history").status_code == 404
    assert api.get(f"{FINDINGS}/speed/op-a/1/history").status_code == 404
    assert api.get(f"{FINDINGS}/distance/op-b/1/history", "op-a").status_code == 403
    assert api.get(f"{FINDINGS}/distance/op-a/1/history", "op-a").status_code == 200


def test_aggregates_are_public_and_name_no_operator(api: Api) -> None:
    seed(api)
    r = api.get("/v1/domains/robots/aggregates", "public")
    assert r.status_code == 200
    body = r.json()
    distance, fleet = body["goals"]
    assert distance["goal"] == "distance" and "findings" not in distance
    assert distance["latest"]["window_end"].startswith("2026-04-03")
    assert distance["latest"]["counts"] == {"met": 1, "unmet": 0, "insufficient": 0}
    assert distance["recent"]["counts"] == {"met": 2, "unmet": 1, "insufficient": 0}
    assert fleet["per"] == "all" and all(f["actor"] == "*" for f in fleet["findings"])
    assert "op-a" not in r.text and "op-b" not in r.text
