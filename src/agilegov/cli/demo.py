"""`agilegov demo`: simulate, evaluate and report the five example domains.

For each domain of the catalog: load its rulebook, simulate `days` days of
reported data from the rulebook's `effective_from` into `out_dir/data/<domain>/`,
evaluate every goal over the simulated period, print a summary, and finally
write the HTML report to `out_dir/report/`.

The evaluated range runs from the first instant at which the longest goal
window fits inside the simulated data to the end of the data. When the period
is shorter than the longest window, it starts where the shortest window fits
instead (longer windows are then judged on partial data), and when even that
does not fit, at the first day of data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from agilegov.domains.catalog import DOMAINS, rulebook_path
from agilegov.domains.simulate import simulate
from agilegov.engine.calendar import anchor, shift
from agilegov.engine.evaluate import evaluate
from agilegov.report.console import domain_tables
from agilegov.report.html import write_report
from agilegov.report.summary import DomainResult, summarize
from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook

DEFAULT_SEED = 2026
_STEPS = ("loading rulebook", "simulating data", "evaluating goals")


def demo_range(
    rulebook: Rulebook, start: dt.date, days: int
) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(first instant of data, first evaluated instant, last evaluated instant), local and aware."""
    tz = ZoneInfo(rulebook.timezone)
    data_start = anchor(start, tz)
    data_end = anchor(start + dt.timedelta(days=days), tz)
    fits = sorted(shift(data_start, g.window, 1, tz) for g in rulebook.goals)
    if fits[-1] <= data_end:
        first = fits[-1]
    elif fits[0] <= data_end:
        first = fits[0]
    else:
        first = data_start
    return data_start, first, data_end


def run_demo(
    out_dir: Path,
    days: int = 120,
    console: Console | None = None,
    *,
    seed: int = DEFAULT_SEED,
) -> list[DomainResult]:
    """Simulate, evaluate and report every example domain; return their results."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    console = console or Console()
    results: list[DomainResult] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        overall = progress.add_task("All domains", total=len(DOMAINS))
        for name in DOMAINS:
            task = progress.add_task(f"{name}: {_STEPS[0]}", total=len(_STEPS))
            rulebook = load_rulebook(rulebook_path(name))
            progress.update(task, advance=1, description=f"{name}: {_STEPS[1]}")
            data_dir = out_dir / "data" / name
            start = rulebook.effective_from
            simulate(name, days, data_dir, seed, start)
            progress.update(task, advance=1, description=f"{name}: {_STEPS[2]}")
            _, first, last = demo_range(rulebook, start, days)
            evaluation = evaluate(rulebook, data_dir, first, last)
            results.append(DomainResult.of(rulebook, evaluation, first, last))
            progress.update(task, advance=1, description=f"{name}: done")
            progress.advance(overall)
    for result in results:
        console.print()
        console.print(domain_tables(summarize(result)))
    index = write_report(results, out_dir / "report")
    console.print()
    console.print(Text.assemble("HTML report: ", (str(index), "bold")))
    return results
