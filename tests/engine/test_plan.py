"""The evaluation plan: bucket boundaries, cell size, shared partial columns."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from agilegov.engine.calendar import parse_bound, to_us
from agilegov.engine.plan import Plan, build_plan
from agilegov.measure.ast import Aggregate
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook

HOUR = 3600 * 1_000_000
DAY = 24 * HOUR

STREAMS = """
streams:
  trips:
    time: at
    actor: op
    fields: {op: string, at: timestamp, km: float, rider: {type: string, personal: true}}
  incidents:
    time: at
    actor: op
    fields: {op: string, at: timestamp, severity: int}
"""


def book(goals: str, timezone: str = "UTC", effective_from: str = "2026-04-01") -> Rulebook:
    text = (
        f"domain: plan-test\nversion: 1\neffective_from: {effective_from}\n"
        f"timezone: {timezone}\n{STREAMS}goals:\n{goals}"
    )
    return load_rulebook_text(text, "plan.yaml")


def goal(gid: str, measure: str, window: str = "1d", every: str = "1d", extra: str = "") -> str:
    out = (
        f"  - id: {gid}\n    title: {gid}\n    measure: \"{measure}\"\n    target: \"<= 1\"\n"
        f"    window: {window}\n    every: {every}\n"
    )
    return out + extra


def plan_of(rulebook: Rulebook, lo: str, hi: str) -> Plan:
    tz = ZoneInfo(rulebook.timezone)
    return build_plan(rulebook, parse_bound(lo, tz), parse_bound(hi, tz))


def by_func(plan: Plan, stream: str) -> dict[str, list[str]]:
    sp = plan.streams[stream]
    return {
        f"{a.func}({a.stream}{'.' + a.field if a.field else ''})": [p.name for p in parts]
        for a, parts in sp.partials.items()
    }


def test_daily_utc_goal_has_one_day_cells() -> None:
    plan = plan_of(book(goal("g", "count(trips)")), "2026-04-02", "2026-04-05")
    start = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    assert plan.boundaries == [to_us(start + dt.timedelta(days=i)) for i in range(5)]
    assert plan.cell_us == DAY
    assert plan.lo_us == plan.boundaries[0] and plan.hi_us == plan.boundaries[-1]
    (gw,) = plan.goals
    assert len(gw.windows) == 4
    assert gw.ends_us == plan.boundaries[1:] and gw.starts_us == plan.boundaries[:-1]


def test_every_window_start_and_end_is_a_boundary() -> None:
    rulebook = book(goal("week", "count(trips)", window="7d") + goal("day", "count(trips)"))
    plan = plan_of(rulebook, "2026-04-10", "2026-04-12")
    week, day = plan.goals
    assert set(week.starts_us) | set(week.ends_us) | set(day.starts_us) | set(day.ends_us) == set(
        plan.boundaries
    )
    assert plan.boundaries == sorted(set(plan.boundaries))
    first = dt.datetime(2026, 4, 3, tzinfo=dt.UTC)  # 7 days before the first instant
    assert plan.boundaries[0] == to_us(first)
    assert plan.cell_us == DAY


def test_mixed_periods_take_the_gcd() -> None:
    rulebook = book(goal("d", "count(trips)") + goal("h", "count(trips)", window="6h", every="4h"))
    plan = plan_of(rulebook, "2026-04-02", "2026-04-04")
    assert plan.cell_us == 2 * HOUR
    for b in plan.boundaries:
        assert (b - plan.lo_us) % plan.cell_us == 0


def test_daily_goal_in_a_dst_zone_has_one_hour_cells_across_the_change() -> None:
    plan = plan_of(book(goal("g", "count(trips)"), "Europe/Berlin"), "2026-03-28", "2026-03-31")
    steps = {b - a for a, b in zip(plan.boundaries, plan.boundaries[1:], strict=False)}
    assert steps == {DAY, 23 * HOUR}
    assert plan.cell_us == HOUR


def test_daily_goal_in_a_dst_zone_away_from_changes_has_day_cells() -> None:
    plan = plan_of(book(goal("g", "count(trips)"), "Europe/Berlin"), "2026-06-02", "2026-06-09")
    assert plan.cell_us == DAY


def test_half_hour_dst_gives_half_hour_cells() -> None:
    plan = plan_of(
        book(goal("g", "count(trips)"), "Australia/Lord_Howe"), "2026-04-04", "2026-04-07"
    )
    assert plan.cell_us == HOUR // 2


def test_no_dst_zone_keeps_day_cells() -> None:
    plan = plan_of(book(goal("g", "count(trips)"), "Asia/Tokyo"), "2026-03-27", "2026-04-03")
    assert plan.cell_us == DAY
    assert plan.tz == ZoneInfo("Asia/Tokyo")
    assert dt.datetime.fromtimestamp(plan.lo_us / 1e6, plan.tz).hour == 0  # local midnights


def test_no_instant_gives_no_boundaries() -> None:
    plan = plan_of(book(goal("g", "count(trips)")), "2026-04-02T01:00", "2026-04-02T23:00")
    assert plan.boundaries == []
    assert plan.cell_us == 1
    assert plan.goals[0].windows == []


def test_sum_and_avg_of_one_field_share_a_column_count_distinct_is_separate() -> None:
    measure = (
        "sum(trips.km) + avg(trips.km) + count(trips.km) + count(trips) "
        "+ count_distinct(trips.rider) + min(trips.km) + max(trips.km)"
    )
    plan = plan_of(book(goal("g", measure)), "2026-04-02", "2026-04-02")
    parts = by_func(plan, "trips")
    assert parts["sum(trips.km)"] == parts["avg(trips.km)"][:1]
    assert parts["count(trips.km)"] == parts["avg(trips.km)"][1:]
    assert parts["count(trips)"] != parts["count(trips.km)"]
    columns = plan.streams["trips"].columns
    assert {(p.op, p.combine) for p in columns.values()} == {
        ("sum", "sum"), ("count", "sum"), ("count_star", "sum"), ("min", "min"), ("max", "max")
    }
    assert len({p.name for p in columns.values()}) == len(columns) == 5
    (distinct,) = plan.streams["trips"].distinct.items()
    assert distinct[0] == Aggregate("count_distinct", "trips", "rider", None)
    assert distinct[1] not in {p.name for p in columns.values()}
    assert "count_distinct(trips.rider)" not in parts


def test_the_same_aggregate_in_two_goals_and_min_evidence_is_planned_once() -> None:
    rulebook = book(
        goal("a", "sum(trips.km)", extra="    min_evidence: count(trips) >= 3\n")
        + goal("b", "avg(trips.km) / count(trips)")
    )
    plan = plan_of(rulebook, "2026-04-02", "2026-04-02")
    parts = by_func(plan, "trips")
    assert set(parts) == {"sum(trips.km)", "count(trips)", "avg(trips.km)"}
    assert len(plan.streams["trips"].columns) == 3  # sum km, count(*), count km


def test_conditions_make_separate_columns() -> None:
    measure = "count(incidents where severity >= 2) + count(incidents) + sum(incidents.severity)"
    plan = plan_of(book(goal("g", measure)), "2026-04-02", "2026-04-02")
    sp = plan.streams["incidents"]
    assert len(sp.columns) == 3
    wheres = [p.where for p in sp.columns.values()]
    assert wheres.count(None) == 2
    assert plan.streams["trips"].columns == {}


def test_column_names_are_unique_across_streams() -> None:
    measure = "count(trips) + count(incidents) + count_distinct(trips.rider)"
    plan = plan_of(book(goal("g", measure)), "2026-04-02", "2026-04-02")
    names = [sp.presence for sp in plan.streams.values()]
    for sp in plan.streams.values():
        names += [p.name for p in sp.columns.values()] + list(sp.distinct.values())
    assert len(names) == len(set(names)) == 5
    assert [sp.presence for sp in plan.streams.values()] == ["n0", "n1"]


def test_targets_in_force_at_each_window_start() -> None:
    extra = '    target: {2026-04-01: "<= 5", 2026-04-03: "<= 2"}\n'
    text = goal("g", "count(trips)").replace('    target: "<= 1"\n', extra)
    plan = plan_of(book(text, "Asia/Tokyo"), "2026-03-31", "2026-04-05")
    gw = plan.goals[0]
    starts = [w.start.date().isoformat() for w in gw.windows]
    assert starts == ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-03",
                      "2026-04-04"]
    assert [t.text for t in gw.targets] == ["<= 5", "<= 5", "<= 5", "<= 5", "<= 2", "<= 2"]
