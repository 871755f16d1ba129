"""Reports from the public through the API: receipts in the ledger, abuse limits, triage,
accepted reports as stream events that change a goal, the accountability report."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import pytest
from tests.api.helpers import Api

from agilegov.ledger.tree import leaf_hash
from agilegov.ledger.verify import check_inclusion
from agilegov.reports.limits import AbuseLimits

TOWN = """\
domain: town
title: Delivery robots in town
timezone: UTC
version: 1
effective_from: 2026-01-01
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
  public_reports:
    time: reported_at
    actor: operator
    key: report_id
    fields:
      report_id: string
      operator: string
      reported_at: timestamp
      category: {type: string, values: [noise, blocking, other]}
      place: {type: string, personal: true}
goals:
  - id: complaints
    title: At most one complaint for every two trips
    measure: count(public_reports) / count(trips) * 10000
    target: "<= 5000"
    window: 1d
    every: 1d
    per: all
"""


def add_town(api: Api) -> None:
    r = api.client.post("/v1/domains", content=TOWN.encode(),
                        headers={**api.headers("government"),
                                 "Content-Type": "application/yaml"})
    assert r.status_code in (200, 201), r.text


def report(api: Api, who: str = "public", domain: str = "robots", **body: Any) -> Any:
    payload = {"text": "A robot blocked the crossing", "category": "other", **body}
    return api.client.post(f"/v1/domains/{domain}/reports", json=payload,
                           headers=api.headers(who))


def triage(api: Api, report_id: int, who: str = "government", domain: str = "robots",
           **body: Any) -> Any:
    return api.client.post(f"/v1/domains/{domain}/reports/{report_id}/triage", json=body,
                           headers=api.headers(who))


def test_a_report_gets_a_receipt_the_ledger_proves(api_any_db: Api) -> None:
    api = api_any_db
    r = report(api, text="Robot on the pavement at night", place="3 Main St")
    assert r.status_code == 201, r.text
    out = r.json()
    receipt, entry = out["receipt"], out["entry"]
    assert entry["kind"] == "report.received" and entry["body"]["report"] == out["report"]["id"]
    text = json.dumps(entry)
    assert "Robot on the pavement" not in text and "Main St" not in text
    assert "testclient" not in text  # nothing about the sender
    # The entry the ledger serves hashes to the receipt's leaf hash ...
    got = api.get("/v1/ledger/entries", start=receipt["index"], end=receipt["index"] + 1)
    data = base64.b64decode(got.json()["entries"][0])
    assert base64.b64encode(leaf_hash(data)).decode() == receipt["leaf_hash"]
    assert json.loads(data) == entry
    # ... and an inclusion proof ties it to the signed root.
    size = int(receipt["checkpoint"].splitlines()[1])
    root = base64.b64decode(receipt["checkpoint"].splitlines()[2])
    proof = api.get("/v1/ledger/proof/inclusion", index=receipt["index"], size=size).json()
    check_inclusion(receipt["index"], size, leaf_hash(data),
                    [base64.b64decode(h) for h in proof["hashes"]], root)


def test_the_sixth_report_in_a_minute_is_refused_with_retry_after(api: Api) -> None:
    for _ in range(5):
        assert report(api).status_code == 201
    r = report(api)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"]["type"] == "too_many_requests"


def test_a_bad_report_names_each_member(api: Api) -> None:
    r = api.client.post("/v1/domains/robots/reports",
                        json={"text": "x" * 4001, "category": "Bad Cat", "colour": 1})
    assert r.status_code == 422
    pointers = {p["pointer"] for p in r.json()["error"]["problems"]}
    assert pointers == {"/text", "/category", "/colour"}
    big = api.client.post("/v1/domains/robots/reports", content=b"{" + b" " * 20000 + b"}",
                          headers={"Content-Type": "application/json"})
    assert big.status_code == 413


@pytest.mark.parametrize("who", ["auditor", "op-a", "individual", "community", "public"])
def test_only_the_regulator_triages(api: Api, who: str) -> None:
    rid = report(api).json()["report"]["id"]
    r = triage(api, rid, who=who, status="rejected", reason="not a problem")
    assert r.status_code == 403


def test_triage_is_final_recorded_and_explained(api_any_db: Api) -> None:
    api = api_any_db
    first = report(api).json()["report"]["id"]
    second = report(api, who="individual").json()["report"]["id"]
    r = triage(api, second, status="duplicate", reason="same crossing", duplicate_of=first)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["report"]["status"] == "duplicate" and body["report"]["duplicate_of"] == first
    assert body["entry"]["kind"] == "report.triaged"
    assert "same crossing" not in json.dumps(body["entry"])
    assert body["entry"]["body"]["by"]["role"] == "government"
    assert body["event"] is None  # robots declares no public_reports stream
    again = triage(api, second, status="accepted", reason="changed my mind")
    assert again.status_code == 409
    missing = triage(api, first, status="duplicate", reason="r")
    assert missing.status_code == 422
    listed = api.get("/v1/domains/robots/reports", who="auditor", status="duplicate").json()
    assert [i["id"] for i in listed["items"]] == [second]
    assert listed["items"][0]["reporter"].startswith("p:")  # a pseudonym, not the account


def _complaint_finding(api: Api, day: dt.date) -> dict[str, Any]:
    """The finding of the window that ends at the end of `day`."""
    end = day + dt.timedelta(days=1)
    items = api.get("/v1/domains/town/findings", goal="complaints",
                    **{"from": f"{end}T00:00:00Z", "to": f"{end}T00:00:01Z"}).json()["items"]
    (item,) = items
    return item


def test_an_accepted_report_becomes_an_event_that_changes_a_goal(api_any_db: Api) -> None:
    api = api_any_db
    add_town(api)
    sent = report(api, domain="town", operator="op-a", category="noise", place="Park")
    assert sent.status_code == 201, sent.text
    day = dt.datetime.fromisoformat(sent.json()["report"]["received_at"]).date()
    trips = [{"trip_id": "t1", "operator": "op-a", "ended_at": f"{day}T00:00:01Z"},
             {"trip_id": "t2", "operator": "op-a",
              "ended_at": f"{day + dt.timedelta(days=1)}T01:00:00Z"}]
    assert api.post_events(trips, domain="town").status_code == 200
    before = _complaint_finding(api, day)
    assert before["value"] == 0 and before["status"] == "met"
    rid = sent.json()["report"]["id"]
    r = triage(api, rid, domain="town", status="accepted", reason="seen on camera")
    assert r.status_code == 200, r.text
    assert r.json()["event"]["accepted"] == 1 and r.json()["event"]["rejected"] == []
    api.settle()
    after = _complaint_finding(api, day)
    assert after["value"] == 10000 and after["status"] == "unmet"
    assert after["revision"] == before["revision"] + 1


def test_a_category_outside_the_stream_values_is_refused(api: Api) -> None:
    add_town(api)
    r = report(api, domain="town", category="potholes")
    assert r.status_code == 422
    assert r.json()["error"]["problems"][0]["pointer"] == "/category"


CHART = re.compile(r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>',
                   re.S)


def test_the_accountability_report_in_three_formats(api_any_db: Api) -> None:
    api = api_any_db
    from tests.api.helpers import trip
    api.post_events([trip(1, "op-a", 2, 12.0), trip(2, "op-b", 2, 3.0),
                     trip(3, "op-a", 3, 1.0)])
    report(api)
    d = "/v1/domains/robots/accountability"
    data = api.get(d, who="public", **{"from": "2026-04-01", "to": "2026-05-01"}).json()
    distance = next(g for g in data["goals"] if g["goal"] == "distance")
    assert distance["counts"] == {"met": 1, "unmet": 1, "insufficient": 0}
    assert "detail" not in distance and data["scope"] == "aggregates"
    assert data["reports"]["received"] == 0  # received now, outside April 2026
    html = api.get(d, who="public", format="html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    charts = CHART.findall(html.text)
    assert {name for name, _ in charts} >= {"chart-distance", "chart-fleet"}
    for _, spec in charts:
        parsed = json.loads(spec)
        assert "mark" in parsed and "encoding" in parsed
    for name in re.findall(r'src="/v1/report-static/([^"]+)"', html.text):
        assert api.get(f"/v1/report-static/{name}", who="public").status_code == 200
    oscal = api.get(d, who="public", format="oscal").json()["assessment-results"]
    assert {"uuid", "metadata", "import-ap", "results"} <= set(oscal)
    assert api.get(d, who="public", detail="true").status_code == 403
    full = api.get(d, who="auditor", detail="true").json()
    assert "detail" in next(g for g in full["goals"] if g["goal"] == "distance")
    assert api.get(d, who="public", **{"from": "soon"}).status_code == 422


EVERYONE = ("government", "auditor", "op-a", "individual", "community", "public")
READ_ALL = ("government", "auditor")


def _matrix_calls(api: Api, rid: int) -> dict[str, tuple[Any, tuple[str, ...], int]]:
    d = "/v1/domains/robots"
    return {
        "POST reports": (lambda who: report(api, who=who), EVERYONE, 201),
        "GET reports": (lambda who: api.get(f"{d}/reports", who=who), READ_ALL, 200),
        "GET report": (lambda who: api.get(f"{d}/reports/{rid}", who=who), READ_ALL, 200),
        "POST triage": (lambda who: triage(api, rid, who=who, status="rejected",
                                           reason="test"), ("government",), 200),
        "GET accountability": (lambda who: api.get(f"{d}/accountability", who=who),
                               EVERYONE, 200),
        "GET accountability detail": (
            lambda who: api.get(f"{d}/accountability", who=who, detail="true"), READ_ALL, 200),
    }


def test_role_matrix(api: Api) -> None:
    rid = report(api).json()["report"]["id"]
    desk = api.client.app.state.report_desk[1]  # type: ignore[attr-defined]
    desk.limits = AbuseLimits(per_minute=100, per_day=1000)  # one test client, one address
    seen: dict[tuple[str, str], int] = {}
    for name, (call, allowed, ok) in _matrix_calls(api, rid).items():
        for who in ("public", "individual", "community", "op-a", "auditor", "government"):
            seen[(name, who)] = call(who).status_code
            assert seen[(name, who)] == (ok if who in allowed else 403), (name, who)
    bad = {"Authorization": "Bearer agt_" + "x" * 43}
    assert api.client.get("/v1/domains/robots/reports", headers=bad).status_code == 401
    assert api.client.post("/v1/domains/robots/reports", json={"text": "t"},
                           headers=bad).status_code == 401
