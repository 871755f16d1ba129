"""Reports under test: a governance state on SQLite and on PostgreSQL, filled findings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.conftest import pg_url  # noqa: F401  (a fixture used by `state`)
from tests.api.helpers import RULEBOOK

from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook
from agilegov.store.records import ActionRow, FindingRow
from agilegov.store.state import StateStore


@pytest.fixture(params=["sqlite", "postgresql"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    store = StateStore(url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def robots(tmp_path: Path) -> Rulebook:
    path = tmp_path / "robots.yaml"
    path.write_text(RULEBOOK, encoding="utf-8")
    return load_rulebook(path)


def finding(goal: str, actor: str, day: int, status: str, value: float | None = 1.0
            ) -> FindingRow:
    return FindingRow("robots", goal, actor, day, f"2026-04-{day:02d}T00:00:00+00:00",
                      f"2026-04-{day + 1:02d}T00:00:00+00:00", value, ">= 10", status, 1)


def fill(state: StateStore) -> None:
    """distance: day 1 both unmet, day 2 one met, day 3 both met; fleet: met, unmet, met."""
    rows = [
        finding("distance", "op-a", 1, "unmet"), finding("distance", "op-b", 1, "unmet"),
        finding("distance", "op-a", 2, "met"), finding("distance", "op-b", 2, "unmet"),
        finding("distance", "op-a", 3, "met"), finding("distance", "op-b", 3, "met"),
        finding("fleet", "*", 1, "met", 20.0), finding("fleet", "*", 2, "unmet", 4.0),
        finding("fleet", "*", 3, "met", 30.0),
    ]
    state.upsert_findings(rows)
    state.replace_actions("robots", "distance", "op-b", [ActionRow(
        "robots", "distance", "op-b", 1, 0, "2026-04-02T00:00:00+00:00", "notice", None)])
