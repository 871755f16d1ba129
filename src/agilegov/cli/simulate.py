"""`agilegov simulate` (seeded example data) and `agilegov demo` (the whole loop on examples)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from agilegov.cli.console import fail
from agilegov.cli.live import live_command
from agilegov.errors import AgilegovError, UsageError


def simulate_command(
    domain: Annotated[
        str,
        typer.Argument(help="mobility, infrastructure, healthcare, fintech or public-services."),
    ],
    days: Annotated[int, typer.Option("--days", help="How many days of data.")] = 90,
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write one Parquet file per stream into.")
    ] = Path("data"),
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")
    ] = 0,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First day (default: the rulebook's effective_from)."),
    ] = None,
) -> None:
    """Simulate months of realistic reported data, with honest and failing actors."""
    from agilegov.domains.simulate import simulate

    try:
        try:
            first = dt.date.fromisoformat(start) if start else None
        except ValueError as exc:
            raise UsageError(f"--start: expected a date such as 2026-04-01, got {start!r}") from exc
        console = Console(stderr=True, highlight=False)
        with console.status(f"simulating {domain} for {days} days"):
            counts = simulate(domain, days, out, seed=seed, start=first)
    except AgilegovError as exc:
        fail(exc)
    for stream, n in counts.items():
        console.print(f"{out / (stream + '.parquet')}: {n} events")


# `agilegov demo`: live by default, `--report-only` for the batch demo (see cli.live).
demo_command = live_command
