"""Name and type checks: streams and fields exist, kinds agree, personal fields stay hidden."""

from __future__ import annotations

import pytest

from agilegov.measure.parser import parse_comparison, parse_condition, parse_measure
from agilegov.measure.types import check_condition, check_measure, kind_of_type, suggest
from agilegov.rulebook.model import FieldSpec, Stream

FIELDS = {
    "trip_id": FieldSpec("trip_id", "string"),
    "operator": FieldSpec("operator", "string", required=True),
    "ended_at": FieldSpec("ended_at", "timestamp", required=True),
    "started_at": FieldSpec("started_at", "timestamp"),
    "km": FieldSpec("km", "float"),
    "severity": FieldSpec("severity", "int"),
    "flagged": FieldSpec("flagged", "bool"),
    "reporter": FieldSpec("reporter", "string", personal=True),
    "age": FieldSpec("age", "int", personal=True),
}
TRIPS = Stream("trips", time="ended_at", actor="operator", fields=FIELDS)
STREAMS = {
    "trips": TRIPS,
    "incidents": Stream("incidents", "ended_at", "operator", dict(FIELDS)),
}


def messages(text: str) -> list[tuple[int | None, str]]:
    return [(p.column, p.message) for p in check_measure(parse_measure(text), STREAMS)]


@pytest.mark.parametrize("text", [
    "count(trips)",
    "100000 * count(incidents where severity >= 2) / sum(trips.km)",
    "count(trips.reporter) + count_distinct(trips.age)",
    "count(trips where reporter is null and age is not null)",
    "count_distinct(trips.ended_at) + min(trips.severity) + max(trips.km) + avg(trips.km)",
    "count(trips where ended_at - started_at > 24h)",
    "count(trips where ended_at - started_at between 1h and 2d)",
    "count(trips where started_at + 30m < ended_at and ended_at - 1w > started_at)",
    "count(trips where 2 * (ended_at - started_at) / 3 >= 90s and -(ended_at - started_at) < 0s)",
    "count(trips where (ended_at - started_at) / 1h > 1.5 and 1h + started_at <= ended_at)",
    "count(trips where severity + km / 2 in (1, 2.5) and trip_id not in ('a', 'b'))",
    "count(trips where flagged and not flagged = false or flagged != true)",
    "count(trips where trip_id < 'm' and trip_id between 'a' and 'z')",
    "count(trips where severity = km and true)",
])
def test_well_typed_measures_pass(text: str) -> None:
    assert messages(text) == []


@pytest.mark.parametrize(("text", "column", "words"), [
    ("count(trip)", 1, "unknown stream 'trip'; did you mean 'trips'?"),
    ("count(zzz)", 1, "expected one of: incidents, trips"),
    ("sum(trips.kms)", 1, "did you mean 'km'?"),
    ("count(trips where severty > 1)", 19, "did you mean 'severity'?"),
    ("sum(trips)", 1, "sum needs a field"),
    ("count_distinct(trips)", 1, "count_distinct needs a field"),
    ("sum(trips.operator)", 1, "sum takes an int or float field; 'trips.operator' is string"),
    ("avg(trips.flagged)", 1, "is bool"),
    ("max(trips.ended_at)", 1, "is timestamp"),
    ("sum(trips.age)", 1, "'trips.age' is personal"),
    ("count(trips where reporter = 'x')", 19, "'reporter' is personal"),
    ("count(trips where age + 1 is null)", 19, "'age' is personal"),
    ("count(trips where reporter in ('a'))", 19, "'reporter' is personal"),
    ("count(trips where severity > 'high')", 30, "cannot compare a number with a string"),
    ("count(trips where ended_at > 24h)", 30, "cannot compare a timestamp with a duration"),
    ("count(trips where flagged < true)", 19, "booleans can only be compared with = or !="),
    ("count(trips where flagged between false and true)", 19, "booleans have no order"),
    ("count(trips where severity in (1, 'two'))", 35, "expected a number in this list"),
    ("count(trips where trip_id between 'a' and 3)", 43, "expected a string as a bound"),
    ("count(trips where ended_at - started_at > 1mo)", 43, "months and years"),
    ("count(trips where ended_at < started_at + 1y)", 43, "months and years"),
    ("count(trips where ended_at + started_at > 0s)", 19, "cannot compute timestamp + timestamp"),
    ("count(trips where 24h - ended_at > 0s)", 19, "cannot compute duration - timestamp"),
    ("count(trips where trip_id * 2 > 1)", 19, "cannot compute string * number"),
    ("count(trips where 1h * 1h > 1h)", 19, "cannot compute duration * duration"),
    ("count(trips where 2 / 1h > 1)", 19, "cannot compute number / duration"),
    ("count(trips where -trip_id = 'a')", 19, "cannot negate a string"),
    ("count(trips where severity)", 19, "a number alone is not one"),
    ("count(trips where trip_id or flagged)", 19, "a string alone is not one"),
])
def test_mistakes_are_reported_at_their_column(text: str, column: int, words: str) -> None:
    found = messages(text)
    assert len(found) == 1, found
    assert found[0][0] == column
    assert words in found[0][1]


def test_every_problem_is_reported_not_only_the_first() -> None:
    found = messages("sum(trip.km) + count(trips where nope = 1 and km = 'x') + avg(trips)")
    assert [c for c, _ in found] == [1, 34, 52, 59]


def test_one_bad_operand_is_reported_once() -> None:
    assert len(messages("count(trips where nope + 1 > 2 * (nope - 3))")) == 2


def test_min_evidence_comparisons_are_checked_on_both_sides() -> None:
    problems = check_measure(parse_comparison("sum(trips.km) >= count(nope)"), STREAMS)
    assert [(p.column, "unknown stream 'nope'" in p.message) for p in problems] == [(18, True)]


def test_conditions_are_checked_against_one_stream() -> None:
    assert check_condition(parse_condition("km > 1 and flagged"), TRIPS) == []
    (problem,) = check_condition(parse_condition("km > 1 and flaged"), TRIPS)
    assert problem.column == 12 and "did you mean 'flagged'?" in problem.message


def test_kinds_of_field_types() -> None:
    assert [kind_of_type(t) for t in ("int", "float", "string", "bool", "timestamp")] == [
        "number", "number", "string", "bool", "timestamp",
    ]


def test_suggestions_name_the_closest_or_list_all() -> None:
    assert suggest("severty", ["severity", "km"], "field") == (
        "unknown field 'severty'; did you mean 'severity'?"
    )
    assert suggest("x", ["b", "a"], "stream") == "unknown stream 'x'; expected one of: a, b"
