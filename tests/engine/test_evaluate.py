"""The DuckDB engine on small data: formats agree, edge cases, names that collide with internals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agilegov.engine.calendar import parse_bound
from agilegov.engine.evaluate import evaluate
from agilegov.engine.reference import evaluate_reference
from agilegov.errors import DataError
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook

BOOK = """
domain: robots
version: 3
effective_from: 2026-03-27
timezone: Europe/Berlin
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
      riders: int
      night: bool
      rider: {type: string, personal: true}
  incidents:
    time: at
    actor: operator
    fields: {operator: string, at: timestamp, severity: {type: int, min: 0, max: 4}}
goals:
  - id: distance
    title: km per day
    measure: sum(trips.km)
    target: "<= 10"
    window: 1d
  - id: mean-km
    title: mean km, night trips
    measure: avg(trips.km where night)
    target: "<= 3"
    window: 2d
    per: all
  - id: people
    title: distinct riders
    measure: count_distinct(trips.rider) + count(incidents where severity >= 2)
    target: "< 3"
    window: 1d
    min_evidence: count(trips) >= 1
responses:
  - {goal: distance, unmet_for: 1, do: notice, due: 1d}
"""

TRIPS: list[dict[str, Any]] = [
    {"trip_id": "t1", "operator": "A", "ended_at": "2026-03-28T23:30:00", "km": 4.0,
     "riders": 1, "night": True, "rider": "r1"},
    {"trip_id": "t2", "operator": "A", "ended_at": "2026-03-29T03:30:00", "km": 8.0,
     "riders": 2, "night": False, "rider": "r2"},  # 03:30 exists: +02:00
    {"trip_id": "t3", "operator": "B", "ended_at": "2026-03-29T10:00:00+00:00", "km": 2.5,
     "riders": None, "night": True, "rider": None},
    {"trip_id": "t2", "operator": "A", "ended_at": "2026-03-29T05:00:00", "km": 99.0,
     "riders": 1, "night": True, "rider": "r9"},  # a repeat of t2: ignored
    {"trip_id": None, "operator": "B", "ended_at": "2026-03-30T00:00:00", "km": 1.0,
     "riders": 1, "night": None, "rider": "r1"},
    {"trip_id": None, "operator": "B", "ended_at": "2026-03-30T00:00:00", "km": 1.0,
     "riders": 1, "night": None, "rider": "r2"},
]
INCIDENTS: list[dict[str, Any]] = [
    {"operator": "C", "at": "2026-03-29T12:00:00", "severity": 3},
    {"operator": "A", "at": "2026-03-29T01:00:00", "severity": 1},
]


def rulebook(text: str = BOOK) -> Rulebook:
    return load_rulebook_text(text, "book.yaml")


def bounds(book: Rulebook, lo: str, hi: str) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(book.timezone)
    return parse_bound(lo, tz), parse_bound(hi, tz)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                         for k, v in row.items()})
    path.write_text(out.getvalue(), encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def write_parquet(path: Path, rows: list[dict[str, Any]], types: dict[str, pa.DataType]) -> None:
    columns = {k: pa.array([r[k] for r in rows], types[k]) for k in rows[0]}
    pq.write_table(pa.table(columns), path)


TYPES = {
    "trip_id": pa.string(), "operator": pa.string(), "ended_at": pa.string(),
    "km": pa.float64(), "riders": pa.int64(), "night": pa.bool_(), "rider": pa.string(),
    "at": pa.string(), "severity": pa.int32(),
}


def dataset(root: Path, fmt: str) -> Path:
    root.mkdir()
    for name, rows in (("trips", TRIPS), ("incidents", INCIDENTS)):
        path = root / f"{name}.{fmt}"
        {"csv": write_csv, "jsonl": write_jsonl}.get(fmt, lambda p, r: write_parquet(p, r, TYPES))(
            path, rows
        )
    return root


def dicts(book: Rulebook, data: Path, lo: str, hi: str) -> tuple[list[dict[str, Any]], ...]:
    result = evaluate(book, data, *bounds(book, lo, hi))
    return [f.to_dict() for f in result.findings], [a.to_dict() for a in result.actions]


def test_csv_jsonl_and_parquet_give_identical_findings(tmp_path: Path) -> None:
    book = rulebook()
    results = {
        fmt: dicts(book, dataset(tmp_path / fmt, fmt), "2026-03-29", "2026-03-31")
        for fmt in ("csv", "jsonl", "parquet")
    }
    assert results["csv"] == results["jsonl"] == results["parquet"]
    findings, actions = results["csv"]
    distance = {(f["actor"], f["window_end"]): (f["value"], f["status"]) for f in findings
                if f["goal"] == "distance"}
    assert distance == {
        ("A", "2026-03-29T00:00:00+01:00"): (4.0, "met"),
        ("A", "2026-03-30T00:00:00+02:00"): (8.0, "met"),
        ("B", "2026-03-30T00:00:00+02:00"): (2.5, "met"),
        ("B", "2026-03-31T00:00:00+02:00"): (2.0, "met"),
        ("C", "2026-03-30T00:00:00+02:00"): (0.0, "met"),  # present through incidents only
    }
    mean = [(f["actor"], f["window_end"], f["value"], f["status"]) for f in findings
            if f["goal"] == "mean-km"]
    assert mean == [
        ("*", "2026-03-29T00:00:00+01:00", 4.0, "unmet"),
        ("*", "2026-03-30T00:00:00+02:00", 3.25, "unmet"),
        ("*", "2026-03-31T00:00:00+02:00", 2.5, "met"),
    ]
    people = {(f["actor"], f["window_end"]): (f["value"], f["status"]) for f in findings
              if f["goal"] == "people"}
    assert people[("C", "2026-03-30T00:00:00+02:00")] == (1.0, "insufficient")  # no trip
    assert people[("B", "2026-03-31T00:00:00+02:00")] == (2.0, "met")  # two null keys, 2 riders
    assert actions == []
    # The engine agrees with the reference evaluator on the same data.
    ref_findings, _ = evaluate_reference(book, tmp_path / "csv", *bounds(book, "2026-03-29",
                                                                         "2026-03-31"))
    assert [f.to_dict() for f in ref_findings] == findings


def test_per_all_with_no_data_at_all(tmp_path: Path) -> None:
    book = rulebook()
    result = evaluate(book, tmp_path, *bounds(book, "2026-04-01", "2026-04-02"))
    found = [(f.goal, f.actor, f.value, f.status) for f in result.findings]
    assert found == [("mean-km", "*", None, "insufficient"), ("mean-km", "*", None, "insufficient")]
    assert [f.target for f in result.findings] == ["<= 3", "<= 3"]
    assert result.actions == []


def test_per_all_zero_count_is_met(tmp_path: Path) -> None:
    book = rulebook(BOOK.replace("avg(trips.km where night)", "count(trips)"))
    result = evaluate(book, tmp_path, *bounds(book, "2026-04-01", "2026-04-01"))
    assert [(f.actor, f.value, f.status) for f in result.findings] == [("*", 0.0, "met")]


def test_range_with_no_instant_gives_nothing_and_no_error(tmp_path: Path) -> None:
    book = rulebook()
    data = dataset(tmp_path / "d", "csv")
    result = evaluate(book, data, *bounds(book, "2026-03-29T01:00", "2026-03-29T23:00"))
    assert result.findings == [] and result.actions == []
    result = evaluate(book, data, *bounds(book, "2026-03-30", "2026-03-29"))
    assert result.findings == []


def test_a_stream_with_no_file_has_no_events(tmp_path: Path) -> None:
    book = rulebook()
    (tmp_path / "d").mkdir()
    write_jsonl(tmp_path / "d" / "incidents.jsonl", INCIDENTS)
    result = evaluate(book, tmp_path / "d", *bounds(book, "2026-03-30", "2026-03-30"))
    got = [(f.goal, f.actor, f.value, f.status) for f in result.findings]
    assert got == [
        ("distance", "A", 0.0, "met"),
        ("distance", "C", 0.0, "met"),
        ("mean-km", "*", None, "insufficient"),
        ("people", "A", 0.0, "insufficient"),
        ("people", "C", 1.0, "insufficient"),
    ]


def test_actions_fire_with_due(tmp_path: Path) -> None:
    book = rulebook()
    (tmp_path / "d").mkdir()
    write_csv(tmp_path / "d" / "trips.csv", [
        {"trip_id": "x", "operator": "A", "ended_at": "2026-03-28T12:00", "km": 11},
    ])
    result = evaluate(book, tmp_path / "d", *bounds(book, "2026-03-29", "2026-03-29"))
    assert [a.to_dict() for a in result.actions] == [
        {"kind": "action", "domain": "robots", "goal": "distance", "actor": "A",
         "at": "2026-03-29T00:00:00+01:00", "do": "notice", "due": "2026-03-30T00:00:00+02:00"}
    ]


def test_bad_row_raises_naming_file_row_and_field(tmp_path: Path) -> None:
    book = rulebook()
    (tmp_path / "d").mkdir()
    path = tmp_path / "d" / "incidents.csv"
    path.write_text("operator,at,severity\nA,2026-03-29,2\nB,2026-01-01,9\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        evaluate(book, tmp_path / "d", *bounds(book, "2026-03-30", "2026-03-30"))
    (problem,) = info.value.problems
    # the bad row lies outside every window, and is still refused
    assert (problem.file, problem.row, problem.field) == (str(path), 2, "severity")
    assert problem.message == "expected a value <= 4, got 9"


def test_quarantine_sets_bad_rows_aside_and_evaluates_the_rest(tmp_path: Path) -> None:
    book = rulebook()
    (tmp_path / "d").mkdir()
    path = tmp_path / "d" / "incidents.csv"
    path.write_text("operator,at,severity\nA,2026-03-29,2\nB,2026-03-29,x\n", encoding="utf-8")
    target = tmp_path / "q.jsonl"
    result = evaluate(book, tmp_path / "d", *bounds(book, "2026-03-30", "2026-03-30"),
                      quarantine=target)
    assert [(f.goal, f.actor) for f in result.findings if f.goal != "mean-km"] == [
        ("distance", "A"), ("people", "A")
    ]
    (line,) = target.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert (record["file"], record["row"], record["field"]) == (str(path), 2, "severity")
    assert record["reason"] == "expected an integer, got 'x'"
    assert result.quarantine is not None and result.quarantine.count == 1


COLLIDING = """
domain: names
version: 1
effective_from: 2026-04-01
streams:
  s:
    time: cell
    actor: a
    fields: {a: string, cell: timestamp, p1: float, n0: int, errs: int, bucket: string}
goals:
  - id: g
    title: sums
    measure: sum(s.p1) + count(s where n0 > 1) + count_distinct(s.bucket) + max(s.errs)
    target: ">= 0"
    window: 1d
"""


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_names_like_internal_columns_still_work(tmp_path: Path, fmt: str) -> None:
    book = rulebook(COLLIDING)
    rows = [
        {"a": actor, "cell": f"2026-04-01T0{i}:00:00", "p1": 1.5 * (i + 1), "n0": i, "errs": i,
         "bucket": f"b{i % 2}"}
        for i, actor in enumerate(["a", "k", "bucket", "value", "a", "a", "*", "n"])
    ]
    types = {"a": pa.string(), "cell": pa.string(), "p1": pa.float64(), "n0": pa.int64(),
             "errs": pa.int64(), "bucket": pa.string()}
    if fmt == "csv":
        write_csv(tmp_path / "s.csv", rows)
    else:
        write_parquet(tmp_path / "s.parquet", rows, types)
    result = evaluate(book, tmp_path, *bounds(book, "2026-04-02", "2026-04-02"))
    got = {f.actor: f.value for f in result.findings}
    # a: rows 0, 4, 5 -> p1 1.5+7.5+9 = 18, n0>1: 2, buckets b0, b0, b1: 2, max errs 5
    assert got == {
        "*": 10.5 + 1 + 1 + 6,
        "a": 18.0 + 2 + 2 + 5,
        "bucket": 4.5 + 1 + 1 + 2,
        "k": 3.0 + 0 + 1 + 1,
        "n": 12.0 + 1 + 1 + 7,
        "value": 6.0 + 1 + 1 + 3,
    }
    assert [f.actor for f in result.findings] == ["*", "a", "bucket", "k", "n", "value"]
    assert {f.status for f in result.findings} == {"met"}
