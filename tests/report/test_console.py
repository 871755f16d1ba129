from __future__ import annotations

import io
from dataclasses import replace

from rich.console import Console

from agilegov.report.console import LATEST_ACTIONS, actions_table, domain_tables, goals_table
from agilegov.report.summary import DomainResult, summarize


def _render(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(renderable)
    return out.getvalue()


def test_goals_table_shows_shares_and_worst_actors(result: DomainResult) -> None:
    out = _render(goals_table(summarize(result)))
    assert "Injuries per 100,000 km" in out
    assert "<= 1.5" in out
    assert "60%" in out and "30%" in out and "10%" in out
    assert "alpha (3)" in out
    assert "Incidents reported within 24 hours" in out


def test_actions_table_counts_kinds_and_lists_latest_first(result: DomainResult) -> None:
    out = _render(actions_table(summarize(result)))
    assert "1 × Notice, 1 × Corrective plan, 1 × Recognition" in out
    lines = [line for line in out.splitlines() if "2026-05-0" in line]
    assert "Corrective plan" in lines[0] and "2026-05-19" in lines[0]
    assert "Notice" in lines[-1]


def test_only_the_latest_actions_are_listed(result: DomainResult) -> None:
    first = result.actions[0]
    many = [replace(first, at=first.at.replace(hour=i)) for i in range(LATEST_ACTIONS + 3)]
    out = _render(actions_table(summarize(replace(result, actions=many))))
    assert out.count("Notice") == LATEST_ACTIONS + 1  # rows plus the caption
    assert f"{LATEST_ACTIONS + 3} × Notice" in out


def test_rulebook_text_is_not_read_as_markup(result: DomainResult) -> None:
    rb = replace(result.rulebook, title="[bold red]Robots[/]")
    out = _render(domain_tables(summarize(replace(result, rulebook=rb))))
    assert "[bold red]Robots[/] (robots v4)" in out
