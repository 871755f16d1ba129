"""One breach followed through the HTTP API: finding -> notice -> corrective plan ->
resolution, and another to an appeal; every step in the ledger, proven by its proofs."""

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


def steps(case: dict[str, object]) -> list[tuple[object, object, object]]:
    return [(s["step"], s["from"], s["to"]) for s in case["steps"]]  # type: ignore[index,union-attr]


def breach(api: Api) -> dict[str, object]:
    """Two days under 10 km: a notice, then a corrective plan due five days later (another
    operator's event moves the watermark past the second day)."""
    report(api, [ride(1, "op-a", 1, 4.0), ride(2, "op-a", 2, 3.0), ride(3, "op-b", 3, 12.0, 1)])
    return only_case(api, "op-a")


def test_a_breach_from_finding_to_resolution(ladder_api_any_db: Api) -> None:
    api = ladder_api_any_db
    case = breach(api)
    assert case["state"] == "plan-requested"
    assert case["due"] == "2026-04-08T00:00:00+00:00"
    assert case["goal"] == "distance" and case["actor"] == "op-a"
    assert steps(case) == [("notice", "new", "noticed"),
                           ("request-plan", "noticed", "plan-requested")]
    assert case["steps"][0]["by_role"] == "system"  # type: ignore[index]
    assert case["steps"][0]["event_at"] == "2026-04-02T00:00:00+00:00"  # type: ignore[index]

    plan = post(api, f"/cases/{case['id']}/plan",
                {"plan": "Second robot on the morning route from 4 April"}, "op-a")
    assert plan.status_code == 200, plan.text
    assert plan.json()["case"]["state"] == "plan-submitted"
    check_receipt(api, plan.json()["receipt"])
    accept = post(api, f"/cases/{case['id']}/plan/decision",
                  {"accept": True, "reason": "The plan covers the shortfall"}, "government")
    assert accept.status_code == 200, accept.text
    assert accept.json()["case"]["state"] == "plan-accepted"
    check_receipt(api, accept.json()["receipt"])

    report(api, [ride(4, "op-a", 3, 11.0), ride(5, "op-a", 4, 12.0)])
    case = only_case(api, "op-a")
    assert case["state"] == "resolved" and case["closed_at"] is not None
    assert steps(case)[2:] == [("submit-plan", "plan-requested", "plan-submitted"),
                               ("accept-plan", "plan-submitted", "plan-accepted"),
                               ("resolve", "plan-accepted", "resolved")]
    who = [(s["by_role"], s["by_operator"]) for s in case["steps"]]  # type: ignore[union-attr]
    assert who[2] == ("operator", "op-a") and who[3] == ("government", None)
    assert case["steps"][3]["by_account"] is not None  # type: ignore[index]
    bodies = check_in_ledger(api, case)
    assert bodies[0]["by"] == {"role": "system"}
    assert bodies[1]["due"] == "2026-04-08T00:00:00+00:00"
    assert bodies[2]["by"]["operator"] == "op-a"


def test_a_breach_to_an_appeal_upheld(ladder_api_any_db: Api) -> None:
    api = ladder_api_any_db
    case = breach(api)
    appeal = post(api, f"/cases/{case['id']}/appeal",
                  {"reason": "The sensor under-counted distance on 1 and 2 April"}, "op-a")
    assert appeal.status_code == 200, appeal.text
    assert appeal.json()["case"]["state"] == "appealed"
    assert appeal.json()["case"]["appeal_from"] == "plan-requested"
    check_receipt(api, appeal.json()["receipt"])
    decision = post(api, f"/cases/{case['id']}/appeal/decision",
                    {"uphold": True, "reason": "Calibration records confirm the fault"},
                    "government")
    assert decision.status_code == 200, decision.text
    assert decision.json()["case"]["state"] == "annulled"
    case = only_case(api, "op-a")
    assert steps(case)[2:] == [("appeal", "plan-requested", "appealed"),
                               ("uphold-appeal", "appealed", "annulled")]
    assert case["steps"][3]["reason"] == "Calibration records confirm the fault"  # type: ignore[index]
    check_in_ledger(api, case)


def test_a_dismissed_appeal_returns_and_a_missed_deadline_escalates(ladder_api: Api) -> None:
    api = ladder_api
    case = breach(api)
    post(api, f"/cases/{case['id']}/appeal", {"reason": "We disagree"}, "op-a")
    dismissed = post(api, f"/cases/{case['id']}/appeal/decision",
                     {"uphold": False, "reason": "The data is sound"}, "government")
    assert dismissed.json()["case"]["state"] == "plan-requested"
    # Another operator's events move the domain's watermark past the plan's due date.
    report(api, [ride(1, "op-b", 9, 12.0)])
    case = only_case(api, "op-a")
    assert case["state"] == "escalated"
    last = case["steps"][-1]  # type: ignore[index]
    assert (last["step"], last["from"], last["to"]) == ("escalate", "plan-requested", "escalated")
    assert "2026-04-08" in last["reason"]
    check_in_ledger(api, case)
    assert api.get(f"{D}/cases", actor="op-b").json()["total"] == 0


def test_a_step_the_state_does_not_allow_is_a_conflict(ladder_api: Api) -> None:
    api = ladder_api
    case = breach(api)
    accept = post(api, f"/cases/{case['id']}/plan/decision",
                  {"accept": True, "reason": "too early"}, "government")
    assert accept.status_code == 409
    message = accept.json()["error"]["problems"][0]["message"]
    assert "plan-requested" in message and "submit-plan" in message
    assert only_case(api, "op-a")["state"] == "plan-requested"


def test_the_ladder_escalates_on_a_higher_response(ladder_api: Api) -> None:
    api = ladder_api
    breach(api)
    # Day 3 is under 10 km too: the third unmet finding calls for a suspension.
    report(api, [ride(4, "op-a", 3, 1.0), ride(5, "op-b", 4, 12.0, 1)])
    case = only_case(api, "op-a")
    assert case["state"] == "escalated" and case["rung"] == 3
    assert steps(case)[-1] == ("escalate", "plan-requested", "escalated")
