"""JSONL to Arrow: JSON types checked per declared field, line numbers kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from agilegov.data.jsonl import FILE, PRE_ERROR, ROW, read_jsonl
from agilegov.rulebook.model import FieldSpec, Stream

STREAM = Stream(
    name="trips",
    time="at",
    actor="op",
    fields={
        "op": FieldSpec("op", "string", required=True),
        "at": FieldSpec("at", "timestamp", required=True),
        "km": FieldSpec("km", "float"),
        "n": FieldSpec("n", "int"),
        "ok": FieldSpec("ok", "bool"),
    },
)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()  # type: ignore[no-any-return]


def test_values_types_rows_and_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "trips.jsonl",
        [
            json.dumps({"op": "A", "at": "2026-04-01T00:00:00Z", "km": 2, "n": 3, "ok": True}),
            "",
            json.dumps({"op": "B", "at": "2026-04-01T01:00:00", "km": 1.5, "extra": [1, 2]}),
            "   ",
            json.dumps({"op": "C", "at": "2026-04-01T02:00:00", "km": None, "n": None}),
        ],
    )
    table = read_jsonl(path, STREAM)
    assert table.schema.field("km").type == pa.float64()
    assert table.schema.field("n").type == pa.int64()
    assert table.schema.field("ok").type == pa.bool_()
    assert table.schema.field("at").type == pa.string()  # parsed later, with the CSV rules
    assert "extra" not in table.column_names
    got = rows(table)
    assert [r[ROW] for r in got] == [1, 3, 5]  # blank lines are not rows but count as lines
    assert {r[FILE] for r in got} == {str(path)}
    assert got[0]["km"] == 2.0 and isinstance(got[0]["km"], float)
    assert got[0]["n"] == 3 and got[0]["ok"] is True
    assert got[1]["n"] is None and got[1]["ok"] is None  # a missing key is null
    assert got[2]["km"] is None  # null is null
    assert [r[PRE_ERROR] for r in got] == [None, None, None]


def test_wrong_json_types_are_row_errors_naming_the_field(tmp_path: Path) -> None:
    bad = [
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "n": 1.5}, "n", "a JSON integer", "1.5"),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "n": "3"}, "n", "a JSON integer", '"3"'),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "n": True}, "n", "a JSON integer", "true"),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "n": 2**63}, "n", "a JSON integer", None),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "km": "1.5"}, "km", "a JSON number", '"1.5"'),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "km": False}, "km", "a JSON number", "false"),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "ok": 1}, "ok", "true or false", "1"),
        ({"op": "A", "at": "2026-04-01T00:00:00Z", "ok": "true"}, "ok", "true or false", None),
        ({"op": 7, "at": "2026-04-01T00:00:00Z"}, "op", "a JSON string", "7"),
        ({"op": "A", "at": 1775000000}, "at", "an ISO 8601 timestamp string", "1775000000"),
        ({"op": {"x": 1}, "at": "2026-04-01T00:00:00Z"}, "op", "a JSON string", None),
    ]
    path = write(tmp_path / "t.jsonl", [json.dumps(obj) for obj, *_ in bad])
    got = rows(read_jsonl(path, STREAM))
    assert len(got) == len(bad)
    for row, (_, field, expected, shown) in zip(got, bad, strict=True):
        error = row[PRE_ERROR]
        assert error is not None
        name, _, message = error.partition("\x1f")
        assert name == field
        assert f"expected {expected}" in message
        if shown is not None:
            assert message.endswith(f"got {shown}")
        assert row[field] is None  # the bad value is never passed on


def test_first_bad_field_in_declaration_order_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", [json.dumps({"op": "A", "at": 5, "km": "x", "n": "y"})])
    (row,) = rows(read_jsonl(path, STREAM))
    assert row[PRE_ERROR].startswith("at\x1f")


def test_invalid_json_and_non_objects_are_row_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        ['{"op": "A", "at": "2026-04-01T00:00:00Z"', "[1, 2]", '"text"', "42"],
    )
    got = rows(read_jsonl(path, STREAM))
    assert [r[ROW] for r in got] == [1, 2, 3, 4]
    first = got[0][PRE_ERROR]
    assert first.startswith("\x1f") and "not valid JSON" in first  # no field: the whole line
    for r in got[1:]:
        assert r[PRE_ERROR] == "\x1fexpected a JSON object with the stream's fields"
        assert r["op"] is None


def test_large_and_negative_integers_within_range_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl",
        [
            json.dumps({"op": "A", "at": "2026-04-01", "n": 2**63 - 1}),
            json.dumps({"op": "A", "at": "2026-04-01", "n": -(2**63)}),
        ],
    )
    got = rows(read_jsonl(path, STREAM))
    assert [r["n"] for r in got] == [2**63 - 1, -(2**63)]
    assert [r[PRE_ERROR] for r in got] == [None, None]


def test_empty_file_gives_an_empty_table_with_every_column(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"")
    table = read_jsonl(path, STREAM)
    assert table.num_rows == 0
    assert set(table.column_names) == {*STREAM.fields, ROW, FILE, PRE_ERROR}
