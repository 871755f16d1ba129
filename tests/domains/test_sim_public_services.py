"""The digital-procedures simulator."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .conftest import Evaluated, Run


def test_backlogged_department_misses_its_standard_periods(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("public-services")
    late = {f.actor for f in ev.findings
            if f.goal == "within-standard-period" and f.status == "unmet"}
    assert late == {"building-permits"}
    assert "notice" in ev.did("within-standard-period", "building-permits")


def test_online_laggard_improves_after_its_redesign(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("public-services")
    share = [f for f in ev.findings if f.goal == "online-share" and f.actor == "tax-certificates"]
    assert any(f.status == "unmet" for f in share)
    assert share[-1].status == "met"


def test_broken_pages_fail_accessibility(evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("public-services")
    unmet = ev.unmet("accessibility-aa", "waste-collection")
    assert unmet and min(f.window_end for f in unmet) > ev.run.day(36)
    assert ev.unmet("accessibility-issues", "waste-collection")


def test_decisions_are_made_on_weekdays_in_office_hours(simulated: Callable[..., Run]) -> None:
    run = simulated("public-services")
    d = pq.read_table(run.out / "decisions.parquet")
    local = pc.cast(d.column("decided_at"), pa.timestamp("us", tz="Asia/Tokyo"))
    assert set(pc.unique(pc.day_of_week(local)).to_pylist()) <= {0, 1, 2, 3, 4}
    assert set(pc.unique(pc.hour(local)).to_pylist()) <= set(range(9, 18))
    offline = d.filter(pc.invert(d.column("online_available")))
    assert "online" not in pc.unique(offline.column("channel")).to_pylist()
