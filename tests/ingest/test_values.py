"""Reading one column of values: JSON types, CSV text, timestamps."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from agilegov.ingest.values import from_text, read_column, shown

TOKYO = ZoneInfo("Asia/Tokyo")


def test_a_clean_int_column_has_no_problems() -> None:
    array, problems = read_column("int", [1, None, -3], TOKYO)
    assert problems == [] and array.type == pa.int64()
    assert array.to_pylist() == [1, None, -3]


def test_wrong_types_become_null_with_a_problem_each() -> None:
    array, problems = read_column("int", [1, True, 2.5, "3"], TOKYO)
    assert array.to_pylist() == [1, None, None, None]
    assert [i for i, _ in problems] == [1, 2, 3]
    assert problems[0][1] == "expected a JSON integer, got true"


def test_float_columns_take_integers() -> None:
    array, problems = read_column("float", [1, 2.5, 2**70], TOKYO)
    assert problems == [] and array.to_pylist() == [1.0, 2.5, float(2**70)]


def test_personal_values_are_not_shown() -> None:
    _, [(index, message)] = read_column("string", [7], TOKYO, personal=True)
    assert index == 0 and "7" not in message


def test_timestamps_become_utc_microseconds() -> None:
    array, problems = read_column("timestamp", ["2026-04-01T09:00", "2026-04-01T00:00Z", None],
                                  TOKYO)
    assert problems == []
    assert array.to_pylist() == [1775001600000000, 1775001600000000, None]


def test_a_bad_timestamp_is_a_problem_and_the_rest_still_read() -> None:
    array, problems = read_column("timestamp", ["2026-04-01T09:00", "04/01/2026"], TOKYO)
    assert array.to_pylist() == [1775001600000000, None]
    assert problems == [(1, "expected an ISO 8601 timestamp string such as "
                            '2026-04-01T09:30:00+09:00, got "04/01/2026"')]


@pytest.mark.parametrize(("kind", "text", "value"), [
    ("int", "-12", -12), ("int", "+3", 3), ("float", "1e3", 1000.0), ("float", ".5", 0.5),
    ("bool", "True", True), ("bool", "FALSE", False), ("string", "x", "x"),
    ("timestamp", "2026-04-01", "2026-04-01"), ("int", "", None), ("string", "", None),
])
def test_csv_text(kind: str, text: str, value: object) -> None:
    assert from_text(kind, text) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "text"), [("int", "1.0"), ("int", "0x10"),
                                            ("float", "nan"), ("bool", "yes")])
def test_csv_text_that_is_not_the_type(kind: str, text: str) -> None:
    with pytest.raises(ValueError):
        from_text(kind, text)  # type: ignore[arg-type]


def test_shown_cuts_long_values() -> None:
    assert shown("x" * 100).endswith("…") and len(shown("x" * 100)) == 60
    assert shown({"a": 1}) == '{"a":1}'
