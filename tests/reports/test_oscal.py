"""The OSCAL assessment-results export: required structure and the documented mapping."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.reports.conftest import fill
from tests.reports.test_accountability import APRIL

from agilegov.reports.accountability import Period, build_report
from agilegov.reports.oscal import OSCAL_VERSION, to_oscal
from agilegov.rulebook.model import Rulebook
from agilegov.store.state import StateStore

WHEN = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)


def test_required_top_level_structure(state: StateStore, robots: Rulebook) -> None:
    fill(state)
    doc = to_oscal(build_report(robots, state, APRIL, generated=WHEN))
    ar = doc["assessment-results"]
    uuid.UUID(ar["uuid"])
    meta = ar["metadata"]
    assert {"title", "last-modified", "version", "oscal-version"} <= set(meta)
    assert meta["oscal-version"] == OSCAL_VERSION and meta["last-modified"] == WHEN.isoformat()
    plan = ar["import-ap"]["href"]
    assert plan == "#" + ar["back-matter"]["resources"][0]["uuid"]
    (result,) = ar["results"]
    assert {"uuid", "title", "description", "start", "reviewed-controls"} <= set(result)
    assert result["start"] == "2026-04-01T00:00:00+00:00"


def test_goals_objectives_instants_observations_unmet_risks(
        state: StateStore, robots: Rulebook) -> None:
    fill(state)
    (result,) = to_oscal(build_report(robots, state, APRIL))["assessment-results"]["results"]
    objectives = result["local-definitions"]["objectives-and-methods"]
    assert [o["control-id"] for o in objectives] == ["distance", "fleet"]
    assert len(result["observations"]) == 6  # aggregates: one per goal and instant
    assert all(o["methods"] == ["TEST"] for o in result["observations"])
    # distance unmet at days 1, 2; fleet unmet at day 2; both met at the latest: closed
    assert len(result["risks"]) == 3 and {r["status"] for r in result["risks"]} == {"closed"}
    states = {f["target"]["target-id"]: f["target"]["status"]["state"]
              for f in result["findings"]}
    assert states == {"distance": "satisfied", "fleet": "satisfied"}
    ids = {o["uuid"] for o in result["observations"]}
    for r in result["risks"]:
        assert {x["observation-uuid"] for x in r["related-observations"]} <= ids


def test_detail_observes_every_finding_with_stable_ids(
        state: StateStore, robots: Rulebook) -> None:
    fill(state)
    one = to_oscal(build_report(robots, state, APRIL, detail=True))
    two = to_oscal(build_report(robots, state, APRIL, detail=True))
    (result,) = one["assessment-results"]["results"]
    assert len(result["observations"]) == 9 and len(result["risks"]) == 4
    assert one["assessment-results"]["uuid"] == two["assessment-results"]["uuid"]


def test_an_empty_period_is_still_a_valid_document(state: StateStore, robots: Rulebook) -> None:
    doc = to_oscal(build_report(robots, state, Period(), generated=WHEN))
    (result,) = doc["assessment-results"]["results"]
    assert "observations" not in result and "end" not in result
    assert result["start"] == WHEN.isoformat()
    assert [f["target"]["status"]["state"] for f in result["findings"]] == [
        "not-satisfied", "not-satisfied"]
