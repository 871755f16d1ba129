"""The bridge simulator: inspection backlog, slow alarms, failing sensors, the incentive."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .conftest import Evaluated, Run


def test_backlog_manager_lets_inspections_lapse_then_catches_up(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("infrastructure")
    overdue = ev.unmet("inspection-freshness", "kawase-civil")
    assert overdue and min(f.window_end for f in overdue) > ev.run.day(27)
    assert ev.unmet("late-reinspections", "kawase-civil")
    last = [f for f in ev.findings if f.goal == "inspection-freshness"
            and f.actor == "kawase-civil"][-1]
    assert last.status == "met"
    assert {"notice", "corrective-plan"} <= ev.did("inspection-freshness", "kawase-civil")


def test_only_failing_managers_miss_the_freshness_rule(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("infrastructure")
    late = {f.actor for f in ev.findings if f.goal == "inspection-freshness"
            and f.status == "unmet"}
    assert late == {"kawase-civil"}


def test_grade_iv_bridge_left_open_triggers_an_order(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("infrastructure")
    assert len(ev.unmet("urgent-restriction", "okumura-bridge-care")) == 5
    assert ev.did("urgent-restriction", "okumura-bridge-care") >= {"order-restriction"}
    assert ev.unmet("alarm-response", "okumura-bridge-care")


def test_sensor_coverage_earns_a_longer_interval_except_for_the_neglectful(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("infrastructure")
    extended = {a.actor for a in ev.actions if a.do == "extend-inspection-interval"}
    assert "sakura-roads" not in extended
    assert len(extended) >= 6
    assert ev.unmet("sensor-coverage", "sakura-roads")


def test_status_is_daily_per_bridge_and_sensors_online_never_exceed_installed(
        simulated: Callable[..., Run]) -> None:
    run = simulated("infrastructure")
    status = pq.read_table(run.out / "bridge_status.parquet")
    bridges = len(pc.unique(status.column("bridge_id")))
    assert status.num_rows == bridges * 90
    assert pc.all(pc.less_equal(status.column("sensors_online"),
                                status.column("sensors_installed"))).as_py()
