"""Every role, the public and a bad token against every case, self-report and investigation
endpoint (SQLite and PostgreSQL); what each may see; investigations apart from blame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api.helpers import Api
from tests.enforcement.ladder import D, check_receipt, only_case, post, report, ride

EVERYONE = ("government", "auditor", "op-a", "op-b", "individual", "community", "public")
BAD_TOKEN = "agt_" + "x" * 43
Call = Callable[[Api, str], Any]


def headers(api: Api, who: str) -> dict[str, str]:
    if who == "bad-token":
        return {"Authorization": f"Bearer {BAD_TOKEN}"}
    return api.headers(who)


def get(path: str) -> Call:
    return lambda api, who: api.client.get(f"{D}{path}", headers=headers(api, who))


def send(method: str, path: str, body: dict[str, Any]) -> Call:
    return lambda api, who: api.client.request(method, f"{D}{path}", json=body,
                                               headers=headers(api, who))


def seed(api: Api) -> tuple[int, int]:
    """A case of op-a awaiting its plan; an investigation; (case id, investigation id)."""
    report(api, [ride(1, "op-a", 1, 4.0), ride(2, "op-a", 2, 3.0), ride(3, "op-b", 3, 12.0, 1)])
    case = only_case(api, "op-a")
    inv = post(api, "/investigations", {"title": "Seed"}, "government").json()
    return int(case["id"]), int(inv["investigation"]["id"])


def matrix(case: int, inv: int) -> dict[str, tuple[Call, tuple[str, ...], int]]:
    self_report = {"kind": "incident", "occurred_at": "2026-04-05", "summary": "a fall"}
    return {
        "GET cases": (get("/cases"), ("government", "auditor", "op-a", "op-b"), 200),
        "GET case counts": (get("/cases/counts"), EVERYONE, 200),
        "GET case": (get(f"/cases/{case}"), ("government", "auditor", "op-a"), 200),
        "POST self-report": (send("POST", "/self-reports", self_report), ("op-a", "op-b"), 201),
        "GET self-reports": (get("/self-reports"), ("government", "auditor", "op-a", "op-b"),
                             200),
        "POST investigation": (send("POST", "/investigations", {"title": "t"}),
                               ("government",), 201),
        "PATCH investigation": (send("PATCH", f"/investigations/{inv}", {"cause": "c"}),
                                ("government",), 200),
        "GET investigations": (get("/investigations"), EVERYONE, 200),
        # The plan is submitted by its operator only, then decided by the regulator only.
        "POST plan": (send("POST", f"/cases/{case}/plan", {"plan": "p"}), ("op-a",), 200),
        "POST plan decision": (send("POST", f"/cases/{case}/plan/decision",
                                    {"accept": False, "reason": "r"}), ("government",), 200),
        "POST appeal": (send("POST", f"/cases/{case}/appeal", {"reason": "r"}), ("op-a",), 200),
        "POST appeal decision": (send("POST", f"/cases/{case}/appeal/decision",
                                      {"uphold": False, "reason": "r"}), ("government",), 200),
    }


def test_every_caller_against_every_endpoint(ladder_api_any_db: Api) -> None:
    api = ladder_api_any_db
    case, inv = seed(api)
    wrong: list[str] = []
    for name, (call, allowed, ok) in matrix(case, inv).items():
        for who in (*[w for w in EVERYONE if w not in allowed], *allowed, "bad-token"):
            expected = 401 if who == "bad-token" else ok if who in allowed else 403
            got = call(api, who).status_code
            if got != expected:
                wrong.append(f"{name} as {who}: {got}, expected {expected}")
    assert wrong == []
    steps = [s["step"] for s in only_case(api, "op-a")["steps"]]
    assert steps[2:] == ["submit-plan", "reject-plan", "appeal", "dismiss-appeal"]


def test_who_sees_which_cases(ladder_api: Api) -> None:
    api = ladder_api
    case, _ = seed(api)
    assert api.get(f"{D}/cases", "op-b").json()["total"] == 0
    assert api.get(f"{D}/cases/{case}", "op-b").status_code == 403
    assert api.get(f"{D}/cases", "auditor").json()["total"] == 1
    counts = api.get(f"{D}/cases/counts", "public").json()
    assert counts["total"] == 1 and counts["states"]["plan-requested"] == 1
    assert "actor" not in str(counts)
    assert api.get(f"{D}/cases/999").status_code == 404


def test_investigations_are_published_apart_from_blame(ladder_api: Api) -> None:
    api = ladder_api
    case, _ = seed(api)
    before = only_case(api, "op-a")
    sent = post(api, "/self-reports", {"kind": "incident", "goal": "distance",
                                       "occurred_at": "2026-04-02T08:00:00Z",
                                       "summary": "Robot 7 stopped on a crossing"}, "op-a")
    report_id = sent.json()["self_report"]["id"]
    made = post(api, "/investigations", {
        "title": "Robot 7 on the crossing", "cause": "A firmware timeout",
        "lessons": "Watchdog on the drive unit", "self_reports": [report_id]}, "government")
    assert made.status_code == 201, made.text
    inv = made.json()["investigation"]
    check_receipt(api, made.json()["receipt"])
    assert api.get(f"{D}/investigations/{inv['id']}", "public").status_code == 404
    refused = api.client.post(f"{D}/investigations/{inv['id']}/publish",
                              headers=api.headers("government"))
    assert refused.status_code == 422 and "public summary" in refused.text
    api.client.patch(f"{D}/investigations/{inv['id']}", json={
        "public_summary": "A software fault; fixed fleet-wide", "findings": "No injuries"},
        headers=api.headers("government"))
    published = api.client.post(f"{D}/investigations/{inv['id']}/publish",
                                headers=api.headers("government"))
    assert published.status_code == 200 and published.json()["investigation"]["status"] == \
        "published"
    check_receipt(api, published.json()["receipt"])
    public = api.get(f"{D}/investigations/{inv['id']}", "public").json()
    assert public["public_summary"] == "A software fault; fixed fleet-wide"
    assert "cause" not in public and "self_reports" not in public
    assert api.get(f"{D}/investigations", "auditor").json()["items"][0]["cause"] == \
        "A firmware timeout"
    # Sanctions never use an investigation: the case did not move.
    assert only_case(api, "op-a") == before and before["id"] == case
    bad = post(api, "/investigations", {"title": "x", "self_reports": [999]}, "government")
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["pointer"] == "/self_reports/0"


def test_a_self_report_names_what_is_wrong(ladder_api: Api) -> None:
    api = ladder_api
    bad = post(api, "/self-reports", {"kind": "breach", "goal": "speed",
                                      "occurred_at": "2026-04-01", "summary": "s"}, "op-a")
    assert bad.status_code == 422
    problem = bad.json()["error"]["problems"][0]
    assert problem["pointer"] == "/goal" and "distance" in problem["message"]
    when = post(api, "/self-reports", {"kind": "breach", "occurred_at": "yesterday",
                                       "summary": "s"}, "op-a")
    assert when.status_code == 422 and "occurred_at" in when.text
