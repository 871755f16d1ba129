"""The credit policy file: what it means and what it says when it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.enforcement.ladder import LADDER

from agilegov.cases.credit import load_policy, parse_policy, rung_of
from agilegov.errors import RulebookError
from agilegov.rulebook.loader import load_rulebook_text

BOOK = load_rulebook_text(LADDER, "couriers.yaml")


def test_no_file_means_no_credit(tmp_path: Path) -> None:
    assert load_policy(tmp_path, BOOK).cap_for("distance") is None


def test_a_rule_for_the_goal_wins_over_the_star(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "couriers.yaml").write_text(
        'self_report_credit:\n  - {goal: "*", cap: corrective-plan}\n'
        "  - {goal: distance, cap: notice}\n", "utf-8")
    policy = load_policy(tmp_path, BOOK)
    assert policy.cap_for("distance") == "notice"
    assert rung_of(BOOK, "distance", "corrective-plan") == 2
    assert rung_of(BOOK, "distance", "recognize") is None


def test_mistakes_are_named_by_pointer() -> None:
    with pytest.raises(RulebookError) as caught:
        parse_policy({"self_report_credit": [{"goal": "speed", "cap": "fine", "x": 1}],
                      "other": 1}, BOOK, "p.yaml")
    found = {(p.pointer, p.file) for p in caught.value.problems}
    assert found == {("/other", "p.yaml"), ("/self_report_credit/0/x", "p.yaml"),
                     ("/self_report_credit/0/goal", "p.yaml"),
                     ("/self_report_credit/0/cap", "p.yaml")}
