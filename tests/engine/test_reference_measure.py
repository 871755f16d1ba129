"""Conditions (three-valued logic), aggregates and measures of the reference evaluator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agilegov.engine.reference_measure import aggregate, comparison, holds, measure
from agilegov.measure.ast import Aggregate
from agilegov.measure.parser import parse_comparison, parse_condition, parse_measure

UTC = dt.UTC
T0 = dt.datetime(2026, 4, 1, tzinfo=UTC)


def ev(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"a": None, "b": None, "s": None, "f": None,
                            "t0": None, "t1": None}
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ("a > 1", ev(a=2), True),
        ("a > 1", ev(), None),
        ("not a > 1", ev(), None),
        ("a > 1 and b > 1", ev(a=0), False),
        ("a > 1 and b > 1", ev(a=2), None),
        ("a > 1 or b > 1", ev(a=2), True),
        ("a > 1 or b > 1", ev(a=0), None),
        ("a in (1, 2)", ev(a=2), True),
        ("a in (1, 2)", ev(), None),
        ("a not in (1, 2)", ev(), None),
        ("a not in (1, 2)", ev(a=3), True),
        ("a between 1 and 3", ev(a=3), True),
        ("a between 1 and b", ev(a=0), False),
        ("a between 1 and b", ev(a=2), None),
        ("a not between 1 and 3", ev(a=1), False),
        ("a is null", ev(), True),
        ("a / b is null", ev(a=1, b=0), True),
        ("a / b > 0", ev(a=1, b=0), None),
        ("a / b = 0.5", ev(a=1, b=2), True),
        ("s = 'it''s'", ev(s="it's"), True),
        ("s < 'b'", ev(s="B"), True),
        ("f", ev(f=True), True),
        ("not f", ev(), None),
        ("f = false", ev(f=False), True),
        ("t1 - t0 > 24h", ev(t0=T0, t1=T0 + dt.timedelta(hours=24)), False),
        ("t1 - t0 >= 1d", ev(t0=T0, t1=T0 + dt.timedelta(hours=24)), True),
        ("t1 - t0 between 1h and 2h", ev(t0=T0, t1=T0 + dt.timedelta(minutes=90)), True),
        ("(t1 - t0) / 2 = 30m", ev(t0=T0, t1=T0 + dt.timedelta(hours=1)), True),
        ("t0 + 1w < t1", ev(t0=T0, t1=T0 + dt.timedelta(days=8)), True),
        ("t1 - t0 in (1h, 2h)", ev(t0=T0, t1=T0 + dt.timedelta(hours=2)), True),
        ("-a * 2 = -4", ev(a=2), True),
    ],
)
def test_conditions_follow_three_valued_logic(
    text: str, event: dict[str, Any], expected: bool | None
) -> None:
    assert holds(parse_condition(text), event) is expected


EVENTS = [
    {"x": 1, "y": None, "p": "alice"},
    {"x": 3, "y": 2.5, "p": "bob"},
    {"x": None, "y": 0.5, "p": "alice"},
    {"x": 5, "y": None, "p": None},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count(s)", 4.0),
        ("count(s.y)", 2.0),
        ("count(s where x > 2)", 2.0),
        ("count(s where not x > 2)", 1.0),
        ("count_distinct(s.p)", 2.0),
        ("sum(s.x)", 9.0),
        ("avg(s.x)", 3.0),
        ("avg(s.y)", 1.5),
        ("min(s.y)", 0.5),
        ("max(s.x where x < 5)", 3.0),
        ("sum(s.x where x > 10)", 0.0),
        ("count(s where x > 10)", 0.0),
        ("avg(s.x where x > 10)", None),
        ("min(s.y where x = 5)", None),
        ("max(s.y where x = 5)", None),
        ("count_distinct(s.p where x > 10)", 0.0),
    ],
)
def test_aggregates_ignore_nulls_and_empty_ones_follow_the_spec(
    text: str, expected: float | None
) -> None:
    expr = parse_measure(text)
    assert measure(expr, {"s": EVENTS}) == expected


def test_measure_arithmetic_and_undefined_parts() -> None:
    scope = {"s": EVENTS}
    assert measure(parse_measure("100 * count(s where x > 2) / count(s)"), scope) == 50.0
    assert measure(parse_measure("count(s) / count(s where x > 10)"), scope) is None
    assert measure(parse_measure("0 * avg(s.x where x > 10)"), scope) is None
    assert measure(parse_measure("-(1 - count(s)) / 2"), scope) == 1.5
    assert measure(parse_measure("7 / 2"), scope) == 3.5


def test_timestamp_aggregates_count_distinct_instants() -> None:
    same = dt.datetime(2026, 4, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    events = [{"t": T0}, {"t": same}, {"t": T0 + dt.timedelta(seconds=1)}]
    assert measure(parse_measure("count_distinct(s.t)"), {"s": events}) == 2.0


def test_min_evidence_comparison() -> None:
    scope = {"s": EVENTS}
    assert comparison(parse_comparison("count(s) >= 4"), scope) is True
    assert comparison(parse_comparison("sum(s.x) > 100"), scope) is False
    assert comparison(parse_comparison("avg(s.x where x > 9) > 0"), scope) is None


def test_aggregate_only_counts_events_where_the_condition_is_true() -> None:
    agg = parse_measure("count(s where x != 1)")
    assert isinstance(agg, Aggregate)
    # x null: `x != 1` is null, so that event does not match.
    assert aggregate(agg, EVENTS) == 2.0
