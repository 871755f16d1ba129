"""Conformance cases (tests/cases/*.yaml) run through every engine and the CLI.

Each case holds a rulebook (YAML text), data per stream (CSV text, or a list
of JSON rows written as JSONL), optional extra `files` (path -> CSV text or
JSON rows), `from`/`to` as the CLI takes them, and `expect`: `findings` and
`actions` in the contract's order (without `kind`, `domain` and `version`,
which come from the rulebook), or `error`: substrings the message must hold.
Cases with `cli: true` also run through `agilegov evaluate`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ruamel.yaml import YAML

from agilegov.engine.findings import Action, Finding
from agilegov.engine.reference import evaluate_reference
from agilegov.errors import AgilegovError
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
CLI_CASES = [p for p in CASE_FILES if YAML(typ="safe").load(p.read_text()).get("cli")]


def load_case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return case


def _write(path: Path, content: str | list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(row, default=str) + "\n" for row in content),
                        encoding="utf-8")


def materialize(case: dict[str, Any], root: Path) -> tuple[Rulebook, Path, Path]:
    """Write the case's rulebook and data under `root`; return (rulebook, its path, data dir)."""
    rulebook_path = root / "rulebook.yaml"
    rulebook_path.write_text(case["rulebook"], encoding="utf-8")
    rulebook = load_rulebook_text(case["rulebook"], name=str(rulebook_path))
    data_dir = root / "data"
    data_dir.mkdir()
    for stream, content in (case.get("data") or {}).items():
        suffix = ".csv" if isinstance(content, str) else ".jsonl"
        _write(data_dir / f"{stream}{suffix}", content)
    for rel, content in (case.get("files") or {}).items():
        _write(data_dir / rel, content)
    return rulebook, rulebook_path, data_dir


def parse_time(text: object, tz: ZoneInfo) -> dt.datetime:
    """A --from/--to value: a date or naive time is in the domain's timezone (fold=0)."""
    if isinstance(text, dt.datetime):
        value = text
    elif isinstance(text, dt.date):
        value = dt.datetime.combine(text, dt.time(0, 0))
    else:
        value = dt.datetime.fromisoformat(str(text))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)
    return value


def expected(case: dict[str, Any], rulebook: Rulebook) -> tuple[list[dict[str, Any]],
                                                                 list[dict[str, Any]]]:
    exp = case["expect"]
    findings = [{"domain": rulebook.domain, "version": rulebook.version, **f}
                for f in exp.get("findings") or []]
    actions = [{"domain": rulebook.domain, **a} for a in exp.get("actions") or []]
    return findings, actions


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    return a == b


def assert_rows(got: list[dict[str, Any]], want: list[dict[str, Any]], what: str) -> None:
    got = [{k: v for k, v in row.items() if k != "kind"} for row in got]
    assert len(got) == len(want), f"{what}: got {len(got)}, expected {len(want)}:\n" + \
        "\n".join(json.dumps(g) for g in got)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert set(g) == set(w), f"{what} #{i}: keys {sorted(g)} != {sorted(w)}"
        bad = [k for k in w if not _same(g[k], w[k])]
        assert not bad, f"{what} #{i}: {bad} differ:\n got  {g}\n want {w}"


def check_outcome(case: dict[str, Any], rulebook: Rulebook,
                  findings: list[Finding], actions: list[Action]) -> None:
    want_findings, want_actions = expected(case, rulebook)
    assert_rows([f.to_dict() for f in findings], want_findings, "findings")
    assert_rows([a.to_dict() for a in actions], want_actions, "actions")


def check_error(case: dict[str, Any], message: str) -> None:
    for piece in case["expect"]["error"]:
        assert piece in message, f"{piece!r} not in error message:\n{message}"


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_there_are_enough_cases() -> None:
    assert len(CASE_FILES) >= 25


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_reference(path: Path, tmp_path: Path) -> None:
    case = load_case(path)
    rulebook, _, data_dir = materialize(case, tmp_path)
    tz = ZoneInfo(rulebook.timezone)
    start, end = parse_time(case["from"], tz), parse_time(case["to"], tz)
    if "error" in case["expect"]:
        with pytest.raises(AgilegovError) as err:
            evaluate_reference(rulebook, data_dir, start, end)
        check_error(case, str(err.value))
        return
    findings, actions = evaluate_reference(rulebook, data_dir, start, end)
    check_outcome(case, rulebook, findings, actions)


@pytest.mark.parametrize("path", CASE_FILES, ids=_ids(CASE_FILES))
def test_fast_engine(path: Path, tmp_path: Path) -> None:
    from agilegov.engine.evaluate import evaluate

    case = load_case(path)
    rulebook, _, data_dir = materialize(case, tmp_path)
    tz = ZoneInfo(rulebook.timezone)
    start, end = parse_time(case["from"], tz), parse_time(case["to"], tz)
    if "error" in case["expect"]:
        with pytest.raises(AgilegovError) as err:
            evaluate(rulebook, data_dir, start, end)
        check_error(case, str(err.value))
        return
    result = evaluate(rulebook, data_dir, start, end)
    check_outcome(case, rulebook, result.findings, result.actions)


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "agilegov"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agilegov.cli.main"]


@pytest.mark.parametrize("path", CLI_CASES, ids=_ids(CLI_CASES))
def test_cli(path: Path, tmp_path: Path) -> None:
    case = load_case(path)
    rulebook, rulebook_path, data_dir = materialize(case, tmp_path)
    proc = subprocess.run(
        [*_cli(), "evaluate", str(rulebook_path), "--data", str(data_dir),
         "--from", str(case["from"]), "--to", str(case["to"]), "--format", "jsonl", "--actions"],
        capture_output=True, text=True, check=False,
    )
    if "error" in case["expect"]:
        assert proc.returncode == 2, proc.stdout + proc.stderr
        check_error(case, proc.stderr)
        return
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    kinds = [line["kind"] for line in lines]
    assert kinds == sorted(kinds, key=lambda k: k != "finding"), "findings come first"
    want_findings, want_actions = expected(case, rulebook)
    assert_rows([x for x in lines if x["kind"] == "finding"], want_findings, "findings")
    assert_rows([x for x in lines if x["kind"] == "action"], want_actions, "actions")
