"""The contract's output formats: JSONL and CSV, findings first, then actions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from agilegov.engine.calendar import parse_bound
from agilegov.engine.evaluate import evaluate
from agilegov.engine.output import ACTION_COLUMNS, FINDING_COLUMNS, records, write_csv, write_jsonl
from agilegov.engine.result import Evaluation
from agilegov.rulebook.loader import load_rulebook_text

BOOK = """
domain: out-test
version: 2
effective_from: 2026-04-01
timezone: Asia/Tokyo
streams:
  trips:
    time: at
    actor: op
    fields: {op: string, at: timestamp, km: float}
goals:
  - id: z-km
    title: km
    measure: sum(trips.km)
    target: "<= 5"
    window: 1d
  - id: a-mean
    title: mean km
    measure: avg(trips.km)
    target: {2026-04-01: "<= 2.5", 2026-04-03: "<= 1"}
    window: 1d
responses:
  - {goal: "*", unmet_for: 1, do: notice}
  - {goal: z-km, unmet_for: 1, do: corrective-plan, due: 14d}
"""

TRIPS = """op,at,km
B,2026-04-01T10:00:00,6
A,2026-04-01T11:00:00,1
B,2026-04-02T10:00:00,1
A,2026-04-02T11:00:00,3
"""


def evaluation(tmp_path: Path) -> Evaluation:
    book = load_rulebook_text(BOOK, "book.yaml")
    (tmp_path / "trips.csv").write_text(TRIPS, encoding="utf-8")
    tz = ZoneInfo(book.timezone)
    return evaluate(book, tmp_path, parse_bound("2026-04-02", tz), parse_bound("2026-04-04", tz))


def test_jsonl_findings_then_actions_each_tagged(tmp_path: Path) -> None:
    result = evaluation(tmp_path)
    out = io.BytesIO()
    write_jsonl(result, out, with_actions=True)
    lines = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    kinds = [line["kind"] for line in lines]
    assert kinds == ["finding"] * len(result.findings) + ["action"] * len(result.actions)
    findings = lines[: len(result.findings)]
    assert list(findings[0]) == FINDING_COLUMNS
    order = [(f["goal"], f["actor"], f["window_end"]) for f in findings]
    assert order == [
        ("a-mean", "A", "2026-04-02T00:00:00+09:00"),
        ("a-mean", "A", "2026-04-03T00:00:00+09:00"),
        ("a-mean", "B", "2026-04-02T00:00:00+09:00"),
        ("a-mean", "B", "2026-04-03T00:00:00+09:00"),
        ("z-km", "A", "2026-04-02T00:00:00+09:00"),
        ("z-km", "A", "2026-04-03T00:00:00+09:00"),
        ("z-km", "B", "2026-04-02T00:00:00+09:00"),
        ("z-km", "B", "2026-04-03T00:00:00+09:00"),
    ]
    assert findings[0] == {
        "kind": "finding", "domain": "out-test", "version": 2, "goal": "a-mean", "actor": "A",
        "window_start": "2026-04-01T00:00:00+09:00", "window_end": "2026-04-02T00:00:00+09:00",
        "value": 1.0, "target": "<= 2.5", "status": "met",
    }
    actions = [(a["goal"], a["actor"], a["at"], a["do"], a.get("due")) for a in lines[8:]]
    assert actions == [
        ("a-mean", "A", "2026-04-03T00:00:00+09:00", "notice", None),
        ("a-mean", "B", "2026-04-02T00:00:00+09:00", "notice", None),
        ("z-km", "B", "2026-04-02T00:00:00+09:00", "notice", None),
        ("z-km", "B", "2026-04-02T00:00:00+09:00", "corrective-plan",
         "2026-04-16T00:00:00+09:00"),
    ]
    assert "due" not in lines[8]


def test_jsonl_without_actions_has_findings_only(tmp_path: Path) -> None:
    result = evaluation(tmp_path)
    out = io.BytesIO()
    write_jsonl(result, out, with_actions=False)
    lines = out.getvalue().decode().splitlines()
    assert len(lines) == len(result.findings) == 8
    assert all(json.loads(line)["kind"] == "finding" for line in lines)
    assert out.getvalue().endswith(b"\n")
    assert [r["kind"] for r in records(result, True)].count("action") == 4


def test_csv_header_values_and_actions_after_a_second_header(tmp_path: Path) -> None:
    result = evaluation(tmp_path)
    out = io.BytesIO()
    write_csv(result, out, with_actions=True)
    text = out.getvalue().decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(FINDING_COLUMNS)
    findings = list(csv.DictReader(io.StringIO("\n".join(lines[:9]))))
    assert len(findings) == 8
    first = findings[0]
    assert first == {
        "kind": "finding", "domain": "out-test", "version": "2", "goal": "a-mean", "actor": "A",
        "window_start": "2026-04-01T00:00:00+09:00", "window_end": "2026-04-02T00:00:00+09:00",
        "value": "1.0", "target": "<= 2.5", "status": "met",
    }
    assert [f["value"] for f in findings if f["goal"] == "z-km"] == ["1.0", "3.0", "6.0", "1.0"]
    assert {f["target"] for f in findings if f["goal"] == "a-mean"} == {"<= 2.5"}
    assert lines[9] == ",".join(ACTION_COLUMNS)
    actions = list(csv.DictReader(io.StringIO("\n".join(lines[9:]))))
    assert [(a["kind"], a["goal"], a["do"], a["due"]) for a in actions] == [
        ("action", "a-mean", "notice", ""),
        ("action", "a-mean", "notice", ""),
        ("action", "z-km", "notice", ""),
        ("action", "z-km", "corrective-plan", "2026-04-16T00:00:00+09:00"),
    ]


def test_csv_undefined_value_is_an_empty_cell(tmp_path: Path) -> None:
    text = BOOK.replace("    title: mean km\n", "    title: mean km\n    per: all\n", 1)
    book = load_rulebook_text(text, "book.yaml")
    tz = ZoneInfo(book.timezone)
    result = evaluate(book, tmp_path, parse_bound("2026-04-03", tz), parse_bound("2026-04-04", tz))
    out = io.BytesIO()
    write_csv(result, out, with_actions=False)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode())))
    assert [(r["goal"], r["actor"], r["value"], r["target"], r["status"]) for r in rows] == [
        ("a-mean", "*", "", "<= 2.5", "insufficient"),
        ("a-mean", "*", "", "<= 1", "insufficient"),  # the target in force when it began
    ]


def test_csv_with_no_findings_is_just_the_header(tmp_path: Path) -> None:
    book = load_rulebook_text(BOOK, "book.yaml")
    tz = ZoneInfo(book.timezone)
    result = evaluate(book, tmp_path, parse_bound("2026-04-02T01:00", tz),
                      parse_bound("2026-04-02T02:00", tz))
    out = io.BytesIO()
    write_csv(result, out, with_actions=True)
    assert out.getvalue().decode() == ",".join(FINDING_COLUMNS) + "\n"
    out = io.BytesIO()
    write_jsonl(result, out, with_actions=True)
    assert out.getvalue() == b""
