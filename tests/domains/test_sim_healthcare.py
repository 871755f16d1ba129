"""The emergency and health-data simulator."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .conftest import Evaluated, Run


def test_understaffed_service_misses_the_arrival_target_part_way(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("healthcare")
    unmet = ev.unmet("arrival-within-8-minutes", "fire-service-hills")
    assert unmet and min(f.window_end for f in unmet) > ev.run.day(31)
    assert "notice" in ev.did("arrival-within-8-minutes", "fire-service-hills")
    late = [f for f in ev.findings if f.goal == "arrival-within-8-minutes"
            and f.actor == "fire-service-hills" and f.window_end > ev.run.day(76)]
    assert late and all(f.status == "met" for f in late)


def test_data_goals_do_not_judge_fire_services(evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("healthcare")
    assert ev.statuses("research-without-consent", "fire-service-east") == {"insufficient"}
    assert ev.statuses("arrival-within-8-minutes", "minato-general") == {"insufficient"}


def test_consent_and_opt_out_failures_belong_to_their_institutions(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("healthcare")
    no_consent = {f.actor for f in ev.findings
                  if f.goal == "research-without-consent" and f.status == "unmet"}
    opt_out = {f.actor for f in ev.findings
               if f.goal == "opt-out-respected" and f.status == "unmet"}
    assert no_consent == {"hinode-university-hospital"}
    assert opt_out == {"aoi-health-network"}
    assert "suspend-research-access" in ev.did("research-without-consent",
                                               "hinode-university-hospital")


def test_average_call_to_scene_is_near_the_national_figure(
        simulated: Callable[..., Run]) -> None:
    run = simulated("healthcare")
    d = pq.read_table(run.out / "dispatches.parquet")
    minutes = pc.divide(pc.cast(pc.subtract(d.column("arrived_at"), d.column("called_at")),
                                "int64"), 60_000_000.0)
    assert 7.5 <= pc.mean(minutes).as_py() <= 10.5
    cancelled = d.filter(d.column("cancelled"))
    assert cancelled.column("arrived_at").null_count == cancelled.num_rows
