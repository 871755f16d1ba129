"""Per-field SQL: text cells parsed strictly, typed columns taken as they are, row errors."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from agilegov.data.normalize import (
    COMPATIBLE,
    SourceKind,
    TimeContext,
    any_error,
    field_error,
    field_value,
    row_error,
)
from agilegov.engine.calendar import to_us
from agilegov.rulebook.model import FieldSpec

UTC = dt.UTC
TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")


def ctx(tz: ZoneInfo = TOKYO) -> TimeContext:
    return TimeContext(tz, dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC))


def run(
    spec: FieldSpec, column: pa.Array, kind: SourceKind = "text", tz: ZoneInfo = TOKYO
) -> list[tuple[Any, str | None]]:
    """(value, error) of the field for each cell, computed in DuckDB."""
    name = spec.name
    con = duckdb.connect()
    try:
        con.register("src", pa.table({"i": range(len(column)), name: column}))
        value = field_value(spec, kind, name, ctx(tz))
        error = field_error(spec, kind, name, value)
        cols = [exp.alias_(value, "v"), exp.alias_(error if error is not None else exp.null(), "e")]
        q = sqlglot.select(*cols).from_("src").order_by("i")
        return [(v, e) for v, e in con.execute(q.sql(dialect="duckdb")).fetchall()]
    finally:
        con.close()


def texts(*cells: str | None) -> pa.Array:
    return pa.array(list(cells), type=pa.string())


def test_int_text_accepts_only_whole_numbers() -> None:
    spec = FieldSpec("n", "int")
    got = run(spec, texts("12", "+7", "-3", "007", None, "12.0", "1e3", "abc", " 1", "1_000"))
    assert [v for v, _ in got[:5]] == [12, 7, -3, 7, None]
    assert [e for _, e in got[:5]] == [None] * 5  # an empty cell is null, and n is optional
    for (value, error), cell in zip(got[5:], ["12.0", "1e3", "abc", " 1", "1_000"], strict=True):
        assert value is None
        assert error == f"n\x1fexpected an integer, got '{cell}'"


def test_int_text_out_of_range_is_an_error_not_a_wrap() -> None:
    got = run(FieldSpec("n", "int"), texts("9223372036854775807", "9223372036854775808"))
    assert got[0] == (9223372036854775807, None)
    assert got[1][0] is None and got[1][1] is not None and "expected an integer" in got[1][1]


def test_float_text_forms() -> None:
    spec = FieldSpec("km", "float")
    good = ["1.5", "-2", "1e3", "1.5E-2", ".5", "3.", "+4"]
    got = run(spec, texts(*good))
    assert [v for v, _ in got] == [1.5, -2.0, 1000.0, 0.015, 0.5, 3.0, 4.0]
    assert all(e is None for _, e in got)
    bad = run(spec, texts("abc", "1,5", "nan", "inf", "1e999"))
    for value, error in bad[:4]:
        assert value is None
        assert error is not None and error.startswith("km\x1fexpected a number, got '")
    assert bad[4][1] is not None and "expected a" in bad[4][1]  # overflow is not a number


def test_bool_text_any_case() -> None:
    spec = FieldSpec("ok", "bool")
    got = run(spec, texts("true", "FALSE", "True", "fAlSe", None, "yes", "1", "t"))
    assert [v for v, _ in got[:5]] == [True, False, True, False, None]
    assert [e for _, e in got[:5]] == [None] * 5
    for (value, error), cell in zip(got[5:], ["yes", "1", "t"], strict=True):
        assert value is None and error == f"ok\x1fexpected true or false, got '{cell}'"


def test_timestamp_text_naive_is_local_and_offsets_are_converted() -> None:
    spec = FieldSpec("at", "timestamp")
    got = run(
        spec,
        texts(
            "2026-04-01T09:00:00",
            "2026-04-01 09:00",
            "2026-04-01",
            "2026-04-01T00:00:00Z",
            "2026-04-01T09:00:00+09:00",
            "2026-04-01T09:00:00.250-0130",
            "2026-04-01T09:00:00+02",
        ),
    )
    want = [
        dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 31, 15, 0, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 10, 30, 0, 250000, tzinfo=UTC),
        dt.datetime(2026, 4, 1, 7, 0, tzinfo=UTC),
    ]
    assert got == [(to_us(t), None) for t in want]


def test_naive_timestamp_in_a_dst_gap_and_fold_is_fold0() -> None:
    spec = FieldSpec("at", "timestamp")
    got = run(spec, texts("2026-03-29T02:30:00", "2026-10-25T02:30:00"), tz=BERLIN)
    assert [v for v, _ in got] == [
        to_us(dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        to_us(dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    "cell",
    ["yesterday", "2026-13-01", "2026-02-30", "2026-04-01T24:00:00", "2026/04/01", "1775000000",
     "2026-04-01T09:00:00 +09:00", "2026-04-01T09:00:00+25:00"],
)
def test_bad_timestamp_text(cell: str) -> None:
    ((value, error),) = run(FieldSpec("at", "timestamp"), texts(cell))
    assert value is None
    expected = "expected an ISO 8601 timestamp such as 2026-04-01T09:30:00+09:00"
    assert error == f"at\x1f{expected}, got '{cell}'"


def test_required_min_max_and_values() -> None:
    assert run(FieldSpec("op", "string", required=True), texts("A", None)) == [
        ("A", None),
        (None, "op\x1fa value is required here (the field is required)"),
    ]
    got = run(FieldSpec("sev", "int", min=0, max=4), texts("0", "4", "-1", "5"))
    assert got[:2] == [(0, None), (4, None)]
    assert got[2] == (-1, "sev\x1fexpected a value >= 0, got -1")
    assert got[3] == (5, "sev\x1fexpected a value <= 4, got 5")
    got = run(FieldSpec("km", "float", min=0.5), texts("0.25", "0.5"))
    assert got == [(0.25, "km\x1fexpected a value >= 0.5, got 0.25"), (0.5, None)]
    got = run(FieldSpec("kind", "string", values=("car", "bike")), texts("car", "bus", None))
    assert got[0] == ("car", None)
    assert got[1] == ("bus", "kind\x1fexpected one of 'car', 'bike', got 'bus'")
    assert got[2] == (None, None)  # null is not outside the allowed values
    got = run(FieldSpec("lvl", "int", values=(1, 2)), texts("2", "3"))
    assert got == [(2, None), (3, "lvl\x1fexpected one of 1, 2, got '3'")]


def test_a_parse_error_comes_before_required() -> None:
    ((_, error),) = run(FieldSpec("n", "int", required=True, min=0), texts("x"))
    assert error == "n\x1fexpected an integer, got 'x'"


def test_typed_columns_are_taken_as_they_are() -> None:
    assert run(FieldSpec("n", "int"), pa.array([1, None], pa.int32()), "int") == [
        (1, None),
        (None, None),
    ]
    assert run(FieldSpec("km", "float"), pa.array([2], pa.int64()), "int") == [(2.0, None)]
    assert run(FieldSpec("ok", "bool"), pa.array([True]), "bool") == [(True, None)]
    aware = pa.array([dt.datetime(2026, 4, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC"))
    assert run(FieldSpec("at", "timestamp"), aware, "timestamptz") == [
        (to_us(dt.datetime(2026, 4, 1, tzinfo=UTC)), None)
    ]
    naive = pa.array([dt.datetime(2026, 4, 1, 9)], pa.timestamp("us"))
    assert run(FieldSpec("at", "timestamp"), naive, "timestamp") == [
        (to_us(dt.datetime(2026, 4, 1, 0, tzinfo=UTC)), None)
    ]
    day = pa.array([dt.date(2026, 4, 1)], pa.date32())
    assert run(FieldSpec("at", "timestamp"), day, "date") == [
        (to_us(dt.datetime(2026, 3, 31, 15, tzinfo=UTC)), None)
    ]


def test_typed_columns_still_check_required_min_max() -> None:
    got = run(FieldSpec("n", "int", required=True, max=3), pa.array([None, 9], pa.int64()), "int")
    assert got == [
        (None, "n\x1fa value is required here (the field is required)"),
        (9, "n\x1fexpected a value <= 3, got 9"),
    ]


def test_typed_float_below_min_is_an_error() -> None:
    got = run(FieldSpec("km", "float", min=0), pa.array([-1.5]), "float")
    assert got == [(-1.5, "km\x1fexpected a value >= 0, got -1.5")]


def test_absent_column_is_null_and_required_says_so() -> None:
    assert run(FieldSpec("n", "int"), pa.array([1]), "absent") == [(None, None)]
    got = run(FieldSpec("n", "int", required=True), pa.array([1]), "absent")
    assert got == [(None, "n\x1fa value is required here (the field is required)")]


def test_field_error_is_none_when_nothing_can_be_wrong() -> None:
    spec = FieldSpec("s", "string")
    assert field_error(spec, "text", "s", field_value(spec, "text", "s", ctx())) is None
    spec = FieldSpec("n", "int")
    assert field_error(spec, "int", "n", field_value(spec, "int", "n", ctx())) is None


def test_compatible_source_kinds() -> None:
    assert COMPATIBLE["string"] == ("text",)
    assert "float" not in COMPATIBLE["int"]  # a float column never silently becomes an int
    assert "int" in COMPATIBLE["float"]
    assert "text" in COMPATIBLE["bool"] and "int" not in COMPATIBLE["bool"]
    assert set(COMPATIBLE["timestamp"]) == {"timestamp", "timestamptz", "date", "text"}


def test_row_error_takes_the_first_error_and_any_error_any() -> None:
    con = duckdb.connect()
    try:
        parts = [exp.Literal.string("a"), exp.null(), exp.Literal.string("c")]
        first = row_error([exp.null(), parts[2]], parts[0])
        assert con.execute(sqlglot.select(first).sql("duckdb")).fetchone() == ("a",)
        none = row_error([], None)
        assert con.execute(sqlglot.select(none).sql("duckdb")).fetchone() == (None,)
        only = row_error([exp.null(), exp.Literal.string("x")], None)
        assert con.execute(sqlglot.select(only).sql("duckdb")).fetchone() == ("x",)
        yes = any_error([exp.null(), exp.Literal.string("x")])
        no = any_error([exp.null(), exp.null()])
        assert con.execute(sqlglot.select(yes, no).sql("duckdb")).fetchone() == (True, False)
    finally:
        con.close()
