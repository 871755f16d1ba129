"""Credit for a self-report made before the data showed the breach, and cases that follow
revised findings (withdrawn actions) — through the HTTP API."""

from __future__ import annotations

from tests.api.helpers import Api
from tests.enforcement.ladder import (
    D,
    check_in_ledger,
    check_receipt,
    only_case,
    post,
    report,
    ride,
)


def write_policy(api: Api, text: str) -> None:
    folder = api.workspace / "policies"
    folder.mkdir(exist_ok=True)
    (folder / "couriers.yaml").write_text(text, "utf-8")


def three_bad_days(api: Api) -> None:
    report(api, [ride(1, "op-a", 1, 4.0), ride(2, "op-a", 2, 3.0), ride(3, "op-a", 3, 1.0),
                 ride(1, "op-b", 1, 4.0), ride(2, "op-b", 2, 3.0), ride(3, "op-b", 3, 1.0),
                 ride(9, "op-b", 4, 12.0, 1)])


def test_a_self_report_caps_the_ladder_at_a_corrective_plan(ladder_api: Api) -> None:
    api = ladder_api
    write_policy(api, 'self_report_credit: {goal: "*", cap: corrective-plan}\n')
    sent = post(api, "/self-reports", {"kind": "breach", "goal": "distance",
                                       "occurred_at": "2026-04-01T09:00:00",
                                       "summary": "A robot was out of service all week"}, "op-a")
    assert sent.status_code == 201, sent.text
    check_receipt(api, sent.json()["receipt"])
    report_id = sent.json()["self_report"]["id"]
    three_bad_days(api)

    honest = only_case(api, "op-a")
    assert honest["state"] == "plan-requested"
    assert honest["credit"] == {"self_report": report_id, "cap": "corrective-plan"}
    names = [s["step"] for s in honest["steps"]]
    assert names == ["notice", "credit-cap", "request-plan", "credit-cap"]
    bodies = check_in_ledger(api, honest)
    assert bodies[1]["credit"] == {"self_report": report_id, "cap": "corrective-plan"}
    assert only_case(api, "op-b")["state"] == "escalated"  # no self-report, no credit
    listed = api.get(f"{D}/self-reports", "op-a").json()["items"]
    assert [(r["id"], r["credited_case"]) for r in listed] == [(report_id, honest["id"])]


def test_a_self_report_after_the_data_earns_no_credit(ladder_api: Api) -> None:
    api = ladder_api
    write_policy(api, "self_report_credit:\n  - {goal: distance, cap: notice}\n")
    three_bad_days(api)
    post(api, "/self-reports", {"kind": "breach", "occurred_at": "2026-04-01",
                                "summary": "late confession"}, "op-a")
    case = only_case(api, "op-a")
    assert case["credit"] is None and case["state"] == "escalated"


def test_a_bad_policy_file_grants_no_credit_and_says_why(ladder_api: Api) -> None:
    api = ladder_api
    write_policy(api, "self_report_credit: {goal: distance, cap: fine}\n")
    post(api, "/self-reports", {"kind": "breach", "occurred_at": "2026-04-01",
                                "summary": "s"}, "op-a")
    three_bad_days(api)
    case = only_case(api, "op-a")
    assert case["credit"] is None and case["state"] == "escalated"
    keeper = api.client.app.state.services.cases.keeper  # type: ignore[attr-defined]
    (problem,) = keeper.policy_problems
    assert "couriers.yaml" in problem and "/self_report_credit/cap" in problem
    assert "'fine'" in problem and "corrective-plan" in problem


def test_withdrawn_actions_are_case_steps_and_withdraw_the_case(ladder_api: Api) -> None:
    api = ladder_api
    report(api, [ride(1, "op-a", 1, 4.0), ride(2, "op-b", 2, 12.0)])
    assert only_case(api, "op-a")["state"] == "noticed"
    report(api, [ride(3, "op-a", 1, 7.0)])  # a late trip: day 1 was met after all
    case = only_case(api, "op-a")
    assert [(s["step"], s["to"]) for s in case["steps"]] == [
        ("notice", "noticed"), ("action-withdrawn", "noticed"), ("withdraw", "withdrawn")]
    check_in_ledger(api, case)
