"""The responses section: goal references, runs, actions and deadlines."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agilegov.errors import Problem
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Response

HEAD = """\
domain: d
version: 1
effective_from: 2026-04-01
streams:
  s: {time: t, actor: a, fields: {t: timestamp, a: string}}
goals:
  - {id: events, title: Events, measure: count(s), target: ">= 1", window: 1d}
  - {id: quiet, title: Quiet, measure: count(s), target: "<= 9", window: 1d}
responses:
"""  # the first response is on line 10


def test_responses_keep_their_order_and_fields() -> None:
    rb = load_rulebook_text(HEAD + """\
  - {goal: quiet, met_for: 7, do: recognize}
  - goal: events
    unmet_for: 2
    do: corrective-plan
    due: 2w
  - {goal: "*", unmet_for: 30, do: review}
""")
    assert rb.responses == (
        Response("quiet", "met", 7, "recognize"),
        Response("events", "unmet", 2, "corrective-plan", Duration(2, "w")),
        Response("*", "unmet", 30, "review"),
    )
    assert rb.responses[2].applies_to("quiet") and not rb.responses[0].applies_to("events")


def test_responses_may_be_empty() -> None:
    assert load_rulebook_text(HEAD.replace("responses:\n", "responses: []\n")).responses == ()


@pytest.mark.parametrize(
    ("item", "marker", "pointer", "expected"),
    [
        ("{goal: event, unmet_for: 1, do: notice}", "event", "/responses/0/goal",
         "goal 'event' is not the id of a goal (did you mean 'events'?)"),
        ("{goal: events, do: notice}", "{", "/responses/0", "got neither"),
        ("{goal: events, unmet_for: 1, met_for: 1, do: notice}", "{", "/responses/0",
         "got both"),
        ("{goal: events, unmet_for: 0, do: notice}", "0,", "/responses/0/unmet_for",
         "at least 1"),
        ("{goal: events, met_for: 2.5, do: notice}", "2.5", "/responses/0/met_for",
         "whole number"),
        ("{goal: events, unmet_for: 1, do: ''}", "''", "/responses/0/do", "empty"),
        ("{goal: events, unmet_for: 1}", "{", "/responses/0", "missing required key 'do'"),
        ("{goal: events, unmet_for: 1, do: x, due: tomorrow}", "tomorrow", "/responses/0/due",
         "expected a duration"),
        ("{goal: events, unmet_for: 1, do: x, deu: 1d}", "deu", "/responses/0/deu",
         "did you mean 'due'?"),
        ("notice", "notice", "/responses/0", "expected a mapping"),
    ],
)
def test_response_problems(one_problem: Callable[[str], Problem], item: str, marker: str,
                           pointer: str, expected: str) -> None:
    p = one_problem(HEAD + f"  - {item}\n")
    column = item.index(marker) + 5  # the item follows "  - "
    assert (p.line, p.column, p.pointer) == (10, column, pointer), str(p)
    assert expected in p.message
    assert p.message.startswith("response 1")


def test_response_to_a_goal_with_problems_is_not_misjudged(
        one_problem: Callable[[str], Problem]) -> None:
    text = HEAD.replace("window: 1d}\n  - {id: quiet", "window: 1x}\n  - {id: quiet")
    p = one_problem(text + "  - {goal: events, unmet_for: 1, do: notice}\n")
    assert p.pointer == "/goals/0/window"


def test_responses_must_be_a_list(one_problem: Callable[[str], Problem]) -> None:
    p = one_problem(HEAD.replace("responses:\n", "responses: {goal: events}\n"))
    assert (p.line, p.column, p.pointer) == (9, 12, "/responses")
    assert "expected a list" in p.message
