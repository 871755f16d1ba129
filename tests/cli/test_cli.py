"""The command-line contract, through the installed `agilegov` console script."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

AGILEGOV = Path(sys.executable).with_name("agilegov")

BOOK = """domain: cli-test
version: 1
effective_from: 2026-04-01
timezone: Asia/Tokyo
streams:
  trips:
    time: at
    actor: op
    fields:
      op: string
      at: timestamp
      km: {type: float, min: 0}
goals:
  - id: km
    title: km per day
    measure: sum(trips.km)
    target: "<= 5"
    window: 1d
responses:
  - {goal: km, unmet_for: 1, do: notice, due: 7d}
"""

TRIPS = """op,at,km
A,2026-04-01T10:00:00,2
B,2026-04-01T11:00:00,7
A,2026-04-02T09:00:00+09:00,1
"""


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(AGILEGOV), *map(str, args)],
        capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=300,
    )


def setup(tmp_path: Path, trips: str = TRIPS) -> tuple[Path, Path]:
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "trips.csv").write_text(trips, encoding="utf-8")
    return book, data


def evaluate(book: Path, data: Path, *extra: str | Path) -> subprocess.CompletedProcess[str]:
    return run("evaluate", book, "--data", data, "--from", "2026-04-02", "--to", "2026-04-03",
               *extra)


def test_the_console_script_is_installed() -> None:
    assert AGILEGOV.exists()
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip()[0].isdigit()


def test_check_ok(tmp_path: Path) -> None:
    book, _ = setup(tmp_path)
    result = run("check", book)
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout and "cli-test" in result.stdout


def test_check_bad_rulebook_exit_2_with_file_line_column(tmp_path: Path) -> None:
    book = tmp_path / "bad.yaml"
    book.write_text(BOOK.replace("sum(trips.km)", "sum(trips.kms)"), encoding="utf-8")
    result = run("check", book)
    assert result.returncode == 2
    assert result.stdout == ""
    line = next(n for n, text in enumerate(BOOK.splitlines(), 1) if "measure:" in text)
    where = re.search(rf"{re.escape(str(book))}:{line}:(\d+)", result.stderr)
    assert where is not None, result.stderr
    assert 14 <= int(where.group(1)) <= 28  # within the measure text on that line
    assert "kms" in result.stderr and "did you mean 'km'" in result.stderr


def test_check_missing_key_exit_2(tmp_path: Path) -> None:
    book = tmp_path / "bad.yaml"
    book.write_text(BOOK.replace("version: 1\n", ""), encoding="utf-8")
    result = run("check", book)
    assert result.returncode == 2
    assert str(book) in result.stderr and "version" in result.stderr


def test_schema_prints_valid_json() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert isinstance(schema, dict)
    assert {"domain", "streams", "goals"} <= set(schema.get("properties", {}))


def test_evaluate_jsonl(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = evaluate(book, data)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(x["kind"], x["actor"], x["window_end"], x["value"], x["status"]) for x in lines] == [
        ("finding", "A", "2026-04-02T00:00:00+09:00", 2.0, "met"),
        ("finding", "A", "2026-04-03T00:00:00+09:00", 1.0, "met"),
        ("finding", "B", "2026-04-02T00:00:00+09:00", 7.0, "unmet"),
    ]
    assert {x["target"] for x in lines} == {"<= 5"}


def test_evaluate_with_actions(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = evaluate(book, data, "--actions")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["kind"] for x in lines] == ["finding"] * 3 + ["action"]
    assert lines[-1] == {
        "kind": "action", "domain": "cli-test", "goal": "km", "actor": "B",
        "at": "2026-04-02T00:00:00+09:00", "do": "notice", "due": "2026-04-09T00:00:00+09:00",
    }


def test_evaluate_csv(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = evaluate(book, data, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0].split(",")[:2] == ["kind", "domain"]
    assert [(r["actor"], r["value"], r["status"]) for r in rows] == [
        ("A", "2.0", "met"), ("A", "1.0", "met"), ("B", "7.0", "unmet")
    ]


def test_evaluate_table(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = evaluate(book, data, "--format", "table", "--actions")
    assert result.returncode == 0, result.stderr
    assert "unmet" in result.stdout and "met" in result.stdout
    assert "notice" in result.stdout
    assert "2026-04-02T00:00:00+09:00" in result.stdout


def test_evaluate_bad_row_exit_2_naming_file_row_field(tmp_path: Path) -> None:
    book, data = setup(tmp_path, TRIPS + "C,2026-04-02T10:00:00,-3\n")
    result = evaluate(book, data)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{data / 'trips.csv'}, row 4, field 'km'" in result.stderr
    assert "expected a value >= 0" in result.stderr


def test_evaluate_quarantine(tmp_path: Path) -> None:
    book, data = setup(tmp_path, TRIPS + "C,2026-04-02T10:00:00,many\n")
    target = tmp_path / "bad.jsonl"
    result = evaluate(book, data, "--quarantine", target)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3  # C's only row was set aside
    (record,) = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert (record["row"], record["field"]) == (4, "km")
    assert record["reason"] == "expected a number, got 'many'"
    assert record["record"]["op"] == "C"
    assert "1 bad row" in result.stderr


def test_evaluate_bad_from_exit_2(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = run("evaluate", book, "--data", data, "--from", "next tuesday", "--to", "2026-04-03")
    assert result.returncode == 2
    assert "--from" in result.stderr and "ISO 8601" in result.stderr
    assert result.stdout == ""


def test_evaluate_missing_data_dir_exit_2(tmp_path: Path) -> None:
    book, _ = setup(tmp_path)
    missing = tmp_path / "nowhere"
    result = run("evaluate", book, "--data", missing, "--from", "2026-04-02", "--to", "2026-04-03")
    assert result.returncode == 2
    assert str(missing) in result.stderr


def test_evaluate_bad_rulebook_exit_2(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    book.write_text(BOOK.replace("window: 1d", "window: 1 day"), encoding="utf-8")
    result = evaluate(book, data)
    assert result.returncode == 2
    assert str(book) in result.stderr and "duration" in result.stderr


def test_evaluate_range_without_instant_writes_nothing(tmp_path: Path) -> None:
    book, data = setup(tmp_path)
    result = run("evaluate", book, "--data", data, "--from", "2026-04-02T01:00",
                 "--to", "2026-04-02T23:00", "--actions")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_simulate_mobility_writes_parquet(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = run("simulate", "mobility", "--days", "3", "--out", out)
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.parquet"))
    assert files
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) > 0
    again = run("simulate", "mobility", "--days", "3", "--out", tmp_path / "sim2")
    assert again.returncode == 0
    for f in files:  # the same seed gives the same data
        assert pq.read_table(f).equals(pq.read_table(tmp_path / "sim2" / f.name))
