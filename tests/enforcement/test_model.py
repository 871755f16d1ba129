"""The case state machine: one dict of transitions, closed states final, appeals."""

from __future__ import annotations

import ast
import inspect

import pytest

import agilegov.cases.keeper
import agilegov.cases.model
import agilegov.cases.store
from agilegov.cases.model import (
    CLOSED_STATES,
    NEW,
    RETURN,
    STATES,
    STEP_ROLES,
    TRANSITIONS,
    TransitionError,
    advance,
    allowed_steps,
)


def test_every_transition_names_known_states_and_steps() -> None:
    for (state, step), target in TRANSITIONS.items():
        assert state in (NEW, *STATES) and step in STEP_ROLES
        assert target in (*STATES, RETURN)


def test_closed_states_are_final_and_only_ladder_steps_open_a_case() -> None:
    for state in CLOSED_STATES:
        assert allowed_steps(state) == []
    assert allowed_steps(NEW) == ["notice", "request-plan", "escalate"]
    with pytest.raises(TransitionError, match="the case is closed"):
        advance("resolved", "appeal", None)


def test_an_appeal_remembers_and_returns_to_where_it_was_lodged() -> None:
    assert advance("plan-requested", "appeal", None) == ("appealed", "plan-requested")
    # The ladder moves on during the appeal: the state to return to moves with it.
    assert advance("appealed", "escalate", "plan-requested") == ("appealed", "escalated")
    assert advance("appealed", "dismiss-appeal", "escalated") == ("escalated", None)
    assert advance("appealed", "uphold-appeal", "noticed") == ("annulled", None)
    with pytest.raises(TransitionError, match="allowed: "):
        advance("appealed", "appeal", "noticed")


def test_plans_are_submitted_then_decided() -> None:
    assert advance("plan-requested", "submit-plan", None)[0] == "plan-submitted"
    assert advance("plan-submitted", "reject-plan", None)[0] == "plan-rejected"
    assert advance("plan-rejected", "submit-plan", None)[0] == "plan-submitted"
    assert advance("plan-submitted", "accept-plan", None)[0] == "plan-accepted"
    with pytest.raises(TransitionError):
        advance("noticed", "accept-plan", None)


def test_steps_are_taken_by_one_kind_of_party() -> None:
    assert STEP_ROLES["submit-plan"] == {"operator"} == STEP_ROLES["appeal"]
    assert STEP_ROLES["accept-plan"] == {"government"} == STEP_ROLES["uphold-appeal"]
    assert STEP_ROLES["escalate"] == {"system"}


@pytest.mark.parametrize("module", [agilegov.cases.model, agilegov.cases.store,
                                    agilegov.cases.keeper])
def test_the_state_machine_takes_no_input_from_investigations(module: object) -> None:
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any("investigation" in (name or "") for name in names)
