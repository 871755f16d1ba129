"""`agilegov report DOMAIN --workspace --from --to --out`: HTML, JSON and OSCAL files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from tests.api.helpers import RULEBOOK
from tests.reports.conftest import fill
from typer.testing import CliRunner

from agilegov.cli.accountability import report_command
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

ENV = {"AGILEGOV_DATABASE_URL": ""}


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command("report")(report_command)
    return app


def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    Workspace(ws).add_domain(RULEBOOK)
    state = StateStore(f"sqlite:///{ws / 'state.sqlite'}")
    fill(state)
    state.close()
    return ws


def test_writes_the_three_formats_for_the_period(tmp_path: Path) -> None:
    ws, out = workspace(tmp_path), tmp_path / "out"
    result = CliRunner().invoke(cli(), ["robots", "--workspace", str(ws), "--from",
                                        "2026-04-03", "--to", "2026-05-01", "--out", str(out)],
                                env=ENV)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "robots-accountability.json").read_text())
    assert data["goals"][0]["findings"] == 4  # windows ending from the 3rd: days 2 and 3
    assert data["scope"] == "aggregates"
    oscal = json.loads((out / "robots-accountability.oscal.json").read_text())
    assert oscal["assessment-results"]["results"][0]["end"] == "2026-05-01T00:00:00+00:00"
    assert "robots-accountability.html" in result.output


def test_detail_and_bad_arguments(tmp_path: Path) -> None:
    ws, out = workspace(tmp_path), tmp_path / "out"
    ok = CliRunner().invoke(cli(), ["robots", "--workspace", str(ws), "--out", str(out),
                                    "--detail"], env=ENV)
    assert ok.exit_code == 0, ok.output
    assert "detail" in json.loads((out / "robots-accountability.json").read_text())["goals"][0]
    unknown = CliRunner().invoke(cli(), ["nowhere", "--workspace", str(ws), "--out",
                                         str(out)], env=ENV)
    assert unknown.exit_code == 2
    bad = CliRunner().invoke(cli(), ["robots", "--workspace", str(ws), "--out", str(out),
                                     "--from", "someday"], env=ENV)
    assert bad.exit_code == 2 and "--from" in bad.output
