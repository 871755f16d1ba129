"""How the command line reports problems and progress."""

from __future__ import annotations

import re
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from agilegov.errors import AgilegovError


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(error: AgilegovError) -> NoReturn:
    """Print every problem with its place, then exit with status 2 (bad input)."""
    err = stderr()
    kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower()
    count = len(error.problems)
    err.print(f"[bold red]{kind}[/]" + (f": {count} problems" if count > 1 else ""))
    for problem in error.problems:
        err.print(f"  {problem}", markup=False)
    raise typer.Exit(2)


def progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    )
