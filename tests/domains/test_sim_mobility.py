"""The delivery-robot simulator: who fails, when, and what the rulebook does about it."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .conftest import Evaluated, Run


def test_small_operator_never_has_enough_km_for_an_injury_rate(
        evaluated: Callable[[str], Evaluated]) -> None:
    assert evaluated("mobility").statuses("injury-rate", "snowpath-mini") == {"insufficient"}


def test_unsafe_operator_is_sanctioned_then_recovers(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("mobility")
    unmet = ev.unmet("injury-rate", "kitakaze-robotics")
    assert unmet and min(f.window_end for f in unmet) > ev.run.day(27)
    assert {"notice", "corrective-plan"} <= ev.did("injury-rate", "kitakaze-robotics")
    assert ev.unmet("speed-limit", "kitakaze-robotics")
    speed_ends = [f for f in ev.findings if f.goal == "speed-limit"
                  and f.actor == "kitakaze-robotics" and f.window_end > ev.run.day(72)]
    assert speed_ends and all(f.status == "met" for f in speed_ends)


def test_late_reporter_and_strays_start_part_way(evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("mobility")
    late = ev.unmet("timely-reporting", "lilac-logistics")
    strays = ev.unmet("geofence", "lilac-logistics")
    assert late and min(f.window_end for f in late) > ev.run.day(40)
    assert strays and min(f.window_end for f in strays) > ev.run.day(45)
    assert "notice" in ev.did("geofence", "lilac-logistics")


def test_honest_operators_are_recognized(evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("mobility")
    assert "recognize" in ev.did("geofence", "aurora-delivery")


def test_trips_are_slower_than_the_limit_and_in_operating_hours(
        simulated: Callable[..., Run]) -> None:
    run = simulated("mobility")
    trips = pq.read_table(run.out / "trips.parquet")
    speeds = trips.column("max_speed_kmh")
    over = pc.sum(pc.greater(speeds, 6.0)).as_py()
    assert over / len(speeds) < 0.01
    assert pc.all(pc.less(trips.column("started_at"), trips.column("ended_at"))).as_py()
    hours = pc.hour(pc.cast(trips.column("ended_at"), pa.timestamp("us", tz="Asia/Tokyo")))
    assert set(pc.unique(hours).to_pylist()) <= set(range(8, 22))
