"""The case state machine: states, steps, and every allowed transition in ONE dict.

`TRANSITIONS[(state, step)]` is the state a case moves to; a pair that is not in the dict
is not allowed. `NEW` is the state before a case exists (only opening steps leave it).
`RETURN` as a target means "the state the case was in when the appeal was lodged"
(kept as the case's `appeal_from`, which ladder steps during an appeal move on).

Who may take a step is `STEP_ROLES`: "system" steps come from the monitor (actions,
findings, deadlines against the watermark); the others from an operator or a regulator.
Investigations are not an input of this machine, by design.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

NEW: Final = "new"
RETURN: Final = "(state before the appeal)"

OPEN_STATES: Final = (
    "noticed", "plan-requested", "plan-submitted", "plan-accepted", "plan-rejected",
    "escalated", "appealed",
)
CLOSED_STATES: Final = ("resolved", "annulled", "withdrawn")
STATES: Final = OPEN_STATES + CLOSED_STATES

# Steps that advance the rulebook's ladder (they also happen while an appeal is pending).
LADDER_STEPS: Final = ("notice", "request-plan", "escalate", "action-withdrawn", "credit-cap")
_LADDER_OPEN = ("noticed", "plan-requested", "plan-submitted", "plan-accepted", "plan-rejected",
                "escalated")


def _ladder() -> dict[tuple[str, str], str]:
    t: dict[tuple[str, str], str] = {
        (NEW, "notice"): "noticed",
        (NEW, "request-plan"): "plan-requested",
        (NEW, "escalate"): "escalated",
        ("noticed", "notice"): "noticed",
        ("noticed", "request-plan"): "plan-requested",
        ("plan-requested", "request-plan"): "plan-requested",
        ("plan-requested", "submit-plan"): "plan-submitted",
        ("plan-rejected", "submit-plan"): "plan-submitted",
        ("plan-rejected", "request-plan"): "plan-requested",
        ("plan-submitted", "accept-plan"): "plan-accepted",
        ("plan-submitted", "reject-plan"): "plan-rejected",
        ("appealed", "uphold-appeal"): "annulled",
        ("appealed", "dismiss-appeal"): RETURN,
        ("appealed", "resolve"): "resolved",
        ("appealed", "withdraw"): "withdrawn",
    }
    for state in _LADDER_OPEN:
        t[(state, "escalate")] = "escalated"
        t[(state, "appeal")] = "appealed"
        t[(state, "resolve")] = "resolved"
        t[(state, "withdraw")] = "withdrawn"
        t[(state, "action-withdrawn")] = state
        t[(state, "credit-cap")] = state
    for step in LADDER_STEPS:
        t[("appealed", step)] = "appealed"
    return t


TRANSITIONS: Final[dict[tuple[str, str], str]] = _ladder()

STEP_ROLES: Final[dict[str, frozenset[str]]] = {
    "notice": frozenset({"system"}),
    "request-plan": frozenset({"system"}),
    "escalate": frozenset({"system"}),
    "resolve": frozenset({"system"}),
    "withdraw": frozenset({"system"}),
    "action-withdrawn": frozenset({"system"}),
    "credit-cap": frozenset({"system"}),
    "submit-plan": frozenset({"operator"}),
    "appeal": frozenset({"operator"}),
    "accept-plan": frozenset({"government"}),
    "reject-plan": frozenset({"government"}),
    "uphold-appeal": frozenset({"government"}),
    "dismiss-appeal": frozenset({"government"}),
}
STEPS: Final = tuple(STEP_ROLES)


class TransitionError(ValueError):
    """A step that the case's state does not allow."""


def allowed_steps(state: str) -> list[str]:
    """The steps a case in `state` may take, in the order of `STEPS`."""
    return [s for s in STEPS if (state, s) in TRANSITIONS]


def advance(state: str, step: str, appeal_from: str | None) -> tuple[str, str | None]:
    """(new state, new appeal_from) after `step`; TransitionError when not allowed."""
    target = TRANSITIONS.get((state, step))
    if target is None:
        allowed = ", ".join(allowed_steps(state)) or "none (the case is closed)"
        raise TransitionError(f"a case in state '{state}' cannot take the step '{step}' "
                              f"(allowed: {allowed})")
    if step == "appeal":
        return target, state
    if state == "appealed" and step in LADDER_STEPS:
        # The ladder moves on while the appeal is pending: the state to return to changes.
        base = appeal_from or "noticed"
        return "appealed", TRANSITIONS.get((base, step), base)
    if target == RETURN:
        return appeal_from or "noticed", None
    return target, None if target in CLOSED_STATES else appeal_from


@dataclass(frozen=True)
class StepRecord:
    """One step of a case: who took it (role, account, operator), why, and when."""

    id: int
    case_id: int
    step: str
    from_state: str
    to_state: str
    by_role: str
    by_account: int | None
    by_operator: str | None
    reason: str
    reason_sha256: str
    at: str  # wall-clock time the step was recorded (UTC)
    event_at: str | None  # event time the step follows from (an action's at, a finding's end)
    due: str | None
    ledger_index: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "case": self.case_id, "step": self.step, "from": self.from_state,
            "to": self.to_state, "by_role": self.by_role, "by_account": self.by_account,
            "by_operator": self.by_operator, "reason": self.reason,
            "reason_sha256": self.reason_sha256, "at": self.at, "event_at": self.event_at,
            "due": self.due, "ledger_index": self.ledger_index,
        }


@dataclass(frozen=True)
class CaseRecord:
    id: int
    domain: str
    goal: str
    actor: str
    state: str
    opened_at: str
    updated_at: str
    closed_at: str | None
    rung: int  # the highest `unmet_for` of the ladder reached
    due: str | None  # the corrective plan's due date (event time), when one is requested
    appeal_from: str | None
    credit: dict[str, Any] | None  # {"self_report": id, "cap": do} when credit applies
    steps: list[StepRecord] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES

    def to_dict(self, with_steps: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "domain": self.domain, "goal": self.goal, "actor": self.actor,
            "state": self.state, "open": self.open, "opened_at": self.opened_at,
            "updated_at": self.updated_at, "closed_at": self.closed_at, "rung": self.rung,
            "due": self.due, "appeal_from": self.appeal_from, "credit": self.credit,
            "next_steps": allowed_steps(self.state),
        }
        if with_steps:
            out["steps"] = [s.to_dict() for s in self.steps]
        return out
