"""`agilegov report DOMAIN --workspace DIR [--from T1] [--to T2] --out DIR [--detail]`:
the accountability report of a domain for a period, written as HTML (with its `static/`
folder, works offline), JSON and an OSCAL assessment-results document.

Reads the workspace's governance state (its database, or AGILEGOV_DATABASE_URL), the
reports from the public and the ledger's size; it never writes to them. Public by default
(aggregates only); `--detail` lists every finding and action (for regulators). Exit status
0 written, 2 bad arguments or an unknown domain. The lead wires it as
`app.command("report")(report_command)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from agilegov.cli.console import fail
from agilegov.errors import AgilegovError, Problem, UsageError


def _bound(text: str | None, tz: ZoneInfo, name: str) -> Any:
    from agilegov.engine.calendar import parse_bound

    if not text:
        return None
    try:
        return parse_bound(text, tz)
    except (ValueError, OverflowError) as exc:
        raise UsageError([Problem(str(exc), field=name)]) from None


def _ledger_info(workspace: Path) -> dict[str, Any] | None:
    from agilegov.ledger.errors import LedgerError
    from agilegov.ledger.store import Ledger

    if not (workspace / "ledger" / "checkpoint").exists():
        return None
    try:
        with Ledger(workspace, readonly=True) as ledger:
            return {"size": ledger.size, "origin": ledger.origin}
    except LedgerError:
        return None


def write_accountability(domain: str, workspace: Path, start: str | None, end: str | None,
                         out: Path, detail: bool = False) -> dict[str, Path]:
    """Build and write the report; return the written files by format."""
    from agilegov.cases.store import CaseStore
    from agilegov.reports.accountability import Period, build_report
    from agilegov.reports.cases import CaseOutcomes
    from agilegov.reports.render import write_outputs
    from agilegov.reports.store import ReportStore
    from agilegov.settings import Settings
    from agilegov.store.state import StateStore
    from agilegov.workspace import Workspace

    if not workspace.is_dir():
        raise UsageError([Problem(f"no workspace folder {workspace}", field="--workspace")])
    settings = Settings.from_env(workspace)
    book = Workspace(settings.workspace).rulebook(domain)
    tz = ZoneInfo(book.timezone)
    period = Period(_bound(start, tz, "--from"), _bound(end, tz, "--to"))
    state = StateStore(settings.database_url)
    try:
        data = build_report(book, state, period, reports=ReportStore(state.engine),
                            cases=CaseOutcomes(CaseStore(state.engine)),
                            ledger=_ledger_info(settings.workspace), detail=detail)
    finally:
        state.close()
    return write_outputs(data, out)


def report_command(
    domain: Annotated[str, typer.Argument(help="The domain (its rulebook's `domain`).")],
    workspace: Annotated[Path, typer.Option("--workspace", help="The service workspace.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    start: Annotated[str | None, typer.Option(
        "--from", help="Start of the period (ISO date or time; default: the beginning).")
    ] = None,
    end: Annotated[str | None, typer.Option(
        "--to", help="End of the period, excluded (ISO date or time; default: now).")] = None,
    detail: Annotated[bool, typer.Option(
        "--detail", help="List every finding and action (not only aggregates).")] = False,
) -> None:
    """Write a domain's accountability report (HTML, JSON, OSCAL) for a period."""
    try:
        paths = write_accountability(domain, workspace, start, end, out, detail)
    except AgilegovError as exc:
        fail(exc)
    for kind, path in paths.items():
        typer.echo(f"{kind}: {path}")
