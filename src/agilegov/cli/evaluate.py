"""`agilegov evaluate`: the contract's command."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from agilegov.cli.console import fail, progress, stderr
from agilegov.engine.result import Evaluation
from agilegov.errors import AgilegovError, UsageError


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def evaluate_command(
    rulebook: Annotated[Path, typer.Argument(help="The rulebook YAML file.")],
    data: Annotated[
        Path, typer.Option("--data", help="Folder with S.csv, S.jsonl, S.parquet or S/ per stream.")
    ],
    from_: Annotated[
        str, typer.Option("--from", help="First instant (ISO 8601; a date or naive time is local).")
    ],
    to: Annotated[str, typer.Option("--to", help="Last instant (ISO 8601), inclusive.")],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.jsonl,
    actions: Annotated[
        bool, typer.Option("--actions", help="Also write the actions the findings fire.")
    ] = False,
    quarantine: Annotated[
        Path | None,
        typer.Option(
            "--quarantine",
            help="Write bad rows with their reasons to this JSONL file and evaluate the rest.",
        ),
    ] = None,
) -> None:
    """Evaluate every goal at every instant FROM <= t <= TO; findings first, then actions."""
    from agilegov.engine.calendar import parse_bound
    from agilegov.engine.evaluate import evaluate
    from agilegov.rulebook.loader import load_rulebook

    try:
        book = load_rulebook(rulebook)
        if not data.is_dir():
            raise UsageError(f"--data {data}: expected a folder of data files")
        tz = ZoneInfo(book.timezone)
        try:
            start, end = parse_bound(from_, tz), parse_bound(to, tz)
        except ValueError as exc:
            raise UsageError(f"--from/--to: {exc}") from exc
        with progress() as bar:
            task = bar.add_task("evaluating", total=len(book.streams) * 2 + 2)
            result = evaluate(
                book,
                data,
                start,
                end,
                quarantine=quarantine,
                progress=lambda msg: bar.update(task, advance=1, description=msg),
            )
    except AgilegovError as exc:
        fail(exc)
    if result.quarantine is not None and result.quarantine.count:
        stderr().print(f"{result.quarantine.count} bad row(s) set aside in {quarantine}")
    _write(result, fmt, actions)


def _write(result: Evaluation, fmt: Format, actions: bool) -> None:
    from agilegov.engine.output import write_csv, write_jsonl

    if fmt is Format.jsonl:
        write_jsonl(result, sys.stdout.buffer, actions)
    elif fmt is Format.csv:
        write_csv(result, sys.stdout.buffer, actions)
    else:
        _table(result, actions)
    sys.stdout.flush()


def _table(result: Evaluation, actions: bool) -> None:
    console = Console(highlight=False)
    rows = result.finding_dicts()
    if rows:
        table = Table("goal", "actor", "window", "value", "target", "status", title="Findings")
        colour = {"met": "green", "unmet": "red", "insufficient": "yellow"}
        for r in rows:
            value = "undefined" if r["value"] is None else f"{r['value']:.6g}"
            table.add_row(
                r["goal"],
                r["actor"],
                f"{r['window_start']} .. {r['window_end']}",
                value,
                r["target"],
                f"[{colour[r['status']]}]{r['status']}[/]",
            )
        console.print(table)
    if actions and result.actions:
        table = Table("goal", "actor", "at", "do", "due", title="Actions")
        for a in result.actions:
            d = a.to_dict()
            table.add_row(d["goal"], d["actor"], d["at"], d["do"], d.get("due", ""))
        console.print(table)
