"""Validating items against their stream: types, constraints, pointers, the good table."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
from tests.ingest.books import robots

from agilegov.ingest.validate import INDEX, ItemError, TextRow, validate_items

BOOK = robots()
TRIPS = BOOK.streams["trips"]
INCIDENTS = BOOK.streams["incidents"]
NY = ZoneInfo("America/New_York")


def trip(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"trip_id": "t1", "operator": "op1",
                            "ended_at": "2026-04-01T10:00:00+09:00", "km": 1.5}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def errors_of(items: list[Any], stream: Any = TRIPS) -> list[tuple[str, str]]:
    return [(e.pointer, e.message) for e in validate_items(stream, items, NY)[2]]


def test_good_items_become_a_typed_table_with_their_indexes() -> None:
    items = [trip(), trip(trip_id="t2", km=3, passengers=2, kind="return", night=True)]
    table, good, errors = validate_items(TRIPS, items, NY)
    assert errors == [] and good == [0, 1]
    assert table.column_names == [*TRIPS.fields, INDEX]
    assert table.schema.field("ended_at").type == pa.int64()
    assert table.schema.field("km").type == pa.float64()
    row = table.to_pylist()[1]
    assert row == {"trip_id": "t2", "operator": "op1", "ended_at": 1775005200000000, "km": 3.0,
                   "passengers": 2, "kind": "return", "night": True, INDEX: 1}


def test_undeclared_keys_are_ignored_and_missing_keys_are_null() -> None:
    table, _, errors = validate_items(TRIPS, [trip(extra="x", km=...)], NY)
    assert errors == [] and table.column("km").to_pylist() == [None]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("passengers", 2.0, "expected a JSON integer, got 2.0"),
    ("passengers", True, "expected a JSON integer, got true"),
    ("passengers", "2", 'expected a JSON integer, got "2"'),
    ("km", "1.5", 'expected a JSON number, got "1.5"'),
    ("km", False, "expected a JSON number, got false"),
    ("night", 1, "expected true or false, got 1"),
    ("trip_id", 7, "expected a JSON string, got 7"),
    ("ended_at", 1775005200, "expected an ISO 8601 timestamp string"),
    ("ended_at", "2026-04-01T25:00", "expected an ISO 8601 timestamp string"),
    ("ended_at", "2026-02-30T10:00", "expected an ISO 8601 timestamp string"),
    ("ended_at", "2026-04-01T10", "expected an ISO 8601 timestamp string"),
    ("ended_at", "yesterday", 'got "yesterday"'),
    ("passengers", 5, "expected a value <= 4, got 5"),
    ("passengers", -1, "expected a value >= 0, got -1"),
    ("km", -0.5, "expected a value >= 0, got -0.5"),
    ("kind", "pickup", 'expected one of "delivery", "return", got "pickup"'),
    ("passengers", 2**70, "expected an integer between"),
])
def test_each_bad_value_is_named_by_pointer(field: str, value: Any, expected: str) -> None:
    [(ptr, message)] = errors_of([trip(), trip(**{field: value})])
    assert ptr == f"/1/{field}"
    assert expected in message


def test_required_fields_must_have_a_value() -> None:
    assert errors_of([trip(operator=None, ended_at=...)]) == [
        ("/0/operator", "a value is required here (the field is required)"),
        ("/0/ended_at", "a value is required here (the field is required)"),
    ]


def test_a_wrongly_typed_required_value_is_reported_once() -> None:
    assert [p for p, _ in errors_of([trip(operator=3)])] == ["/0/operator"]


def test_every_problem_of_an_item_is_reported_in_field_order() -> None:
    items = [trip(), trip(kind="x", km=-1, trip_id=3)]
    assert [p for p, _ in errors_of(items)] == ["/1/trip_id", "/1/km", "/1/kind"]


def test_an_item_that_is_not_an_object_gets_one_problem() -> None:
    table, good, errors = validate_items(TRIPS, [trip(), [1, 2], None], NY)
    assert good == [0] and table.num_rows == 1
    assert [(e.index, e.pointer) for e in errors] == [(1, "/1"), (2, "/2")]
    assert "expected a JSON object" in errors[0].message


def test_bad_items_are_left_out_and_good_ones_kept() -> None:
    items = [trip(trip_id="a"), trip(km=-1), trip(trip_id="c")]
    table, good, errors = validate_items(TRIPS, items, NY)
    assert good == [0, 2]
    assert table.column("trip_id").to_pylist() == ["a", "c"]
    assert table.column(INDEX).to_pylist() == [0, 2]
    assert errors == [ItemError(1, "/1/km", "expected a value >= 0, got -1")]


def test_non_finite_floats_are_refused() -> None:
    [(ptr, message)] = errors_of([trip(km=float("inf"))])
    assert ptr == "/0/km" and "finite" in message


def test_personal_values_are_never_echoed_in_messages() -> None:
    item = {"operator": "op1", "occurred_at": "2026-04-01T10:00", "severity": 1,
            "reporter": ["Alice Example"]}
    [(ptr, message)] = errors_of([item], INCIDENTS)
    assert ptr == "/0/reporter" and "Alice" not in message


@pytest.mark.parametrize(("text", "utc_us"), [
    ("2026-04-01T10:00:00+09:00", 1775005200000000),  # offset: converted
    ("2026-04-01T01:00:00Z", 1775005200000000),
    ("2026-04-01 01:00:00z", 1775005200000000),
    ("2026-04-01T01:00:00.5+00:00", 1775005200500000),
    ("2026-04-01T10:00+0900", 1775005200000000),
    ("2026-04-01T10:00+09", 1775005200000000),
    ("2026-03-31T21:00", 1775005200000000),  # naive: New York wall time (EDT, -4)
    ("2026-04-01", 1775016000000000),  # a date: local midnight
    ("2026-03-08T02:30", 1772955000000000),  # does not exist: fold=0, EST offset (-5)
    ("2026-11-01T01:30", 1793511000000000),  # occurs twice: fold=0, the first (EDT, -4)
])
def test_timestamps(text: str, utc_us: int) -> None:
    table, _, errors = validate_items(TRIPS, [trip(ended_at=text)], NY)
    assert errors == []
    assert table.column("ended_at").to_pylist() == [utc_us]


def test_the_item_by_item_path_agrees_with_the_column_path() -> None:
    texts = ["2026-04-01T10:00:00+09:00", "2026-03-08T02:30", "2026-11-01T01:30",
             "2026-04-01", "2026-04-01T01:00:00.5z"]
    clean, _, _ = validate_items(TRIPS, [trip(ended_at=t) for t in texts], NY)
    mixed, _, errors = validate_items(TRIPS, [trip(ended_at=t) for t in [*texts, "bad"]], NY)
    assert len(errors) == 1
    assert mixed.column("ended_at").to_pylist() == clean.column("ended_at").to_pylist()


def test_naive_times_far_apart_are_still_resolved_exactly() -> None:
    texts = ["2020-11-01T01:30", "2026-11-01T01:30"]
    table, _, errors = validate_items(TRIPS, [trip(ended_at=t) for t in texts], NY)
    assert errors == []
    assert table.column("ended_at").to_pylist()[1] == 1793511000000000


def test_csv_text_rows_follow_the_csv_rules() -> None:
    rows = [TextRow(trip_id="t1", operator="op1", ended_at="2026-04-01", km="2.5e0",
                    passengers="+2", night="FALSE", kind=""),
            TextRow(trip_id="t2", operator="op1", ended_at="2026-04-01", km="abc",
                    passengers="2.0", night="yes")]
    table, good, errors = validate_items(TRIPS, rows, NY)
    assert good == [0]
    assert table.to_pylist()[0] | {INDEX: 0} == {
        "trip_id": "t1", "operator": "op1", "ended_at": 1775016000000000, "km": 2.5,
        "passengers": 2, "kind": None, "night": False, INDEX: 0}
    assert [(e.pointer, e.message) for e in errors] == [
        ("/1/km", 'expected a number, got "abc"'),
        ("/1/passengers", 'expected an integer, got "2.0"'),
        ("/1/night", 'expected true or false, got "yes"'),
    ]


def test_an_empty_batch_is_an_empty_table() -> None:
    table, good, errors = validate_items(TRIPS, [], NY)
    assert table.num_rows == 0 and good == [] and errors == []
    assert table.column_names == [*TRIPS.fields, INDEX]


def test_a_large_clean_batch_is_read_whole() -> None:
    items = [trip(trip_id=f"t{i}", ended_at=f"2026-04-0{1 + i % 9}T0{i % 10}:30:00")
             for i in range(20_000)]
    table, good, errors = validate_items(TRIPS, items, NY)
    assert table.num_rows == 20_000 and errors == [] and len(good) == 20_000
