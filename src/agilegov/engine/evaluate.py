"""The fast engine: a rulebook evaluated over a data folder with DuckDB.

Flow: plan (windows -> bucket boundaries) -> register and validate each
stream's files -> one scan per stream (partials per actor and cell) -> buckets
-> windows -> measures and statuses -> responses. Only small tables (partials,
windows, findings) are ever materialised; Parquet is streamed by DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb

from agilegov.data.load import Quarantine, StreamView, refuse_bad_rows, register_stream
from agilegov.data.normalize import TimeContext
from agilegov.engine.assemble import FINDINGS
from agilegov.engine.plan import Plan, build_plan
from agilegov.engine.responses import fired
from agilegov.engine.result import Evaluation
from agilegov.engine.scan import bucket_table, scan_stream
from agilegov.engine.windows import assemble_from_scans
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import Rulebook

Progress = Callable[[str], None]


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    return con


def evaluate(
    rulebook: Rulebook,
    data_dir: Path,
    start: dt.datetime,
    end: dt.datetime,
    *,
    quarantine: Path | None = None,
    progress: Progress | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Evaluation:
    """Every goal at every instant start <= t <= end, and the actions they fire."""
    say = progress or (lambda _msg: None)
    plan = build_plan(rulebook, start, end)
    own = con is None
    con = con or connect()
    try:
        return _run(con, rulebook, Path(data_dir), plan, start, end, quarantine, say)
    finally:
        if own:
            con.close()


def _time_context(plan: Plan, start: dt.datetime, end: dt.datetime) -> TimeContext:
    pad = dt.timedelta(days=3)
    if plan.boundaries:
        lo = dt.datetime.fromtimestamp(plan.lo_us / 1e6, dt.UTC)
        hi = dt.datetime.fromtimestamp(plan.hi_us / 1e6, dt.UTC)
    else:
        lo, hi = start, end
    return TimeContext(plan.tz, min(lo, start) - pad, max(hi, end) + pad)


def _run(
    con: duckdb.DuckDBPyConnection,
    rulebook: Rulebook,
    data_dir: Path,
    plan: Plan,
    start: dt.datetime,
    end: dt.datetime,
    quarantine_path: Path | None,
    say: Progress,
) -> Evaluation:
    ctx = _time_context(plan, start, end)
    quarantine = Quarantine(quarantine_path) if quarantine_path is not None else None
    views: dict[str, StreamView] = {}
    for i, (name, stream) in enumerate(rulebook.streams.items()):
        say(f"reading stream {name}")
        views[name] = register_stream(con, stream, data_dir, i, ctx, quarantine)
    if quarantine is not None:
        quarantine.write()
    problems: list[Problem] = []
    for name, stream in rulebook.streams.items():
        if views[name].bad:
            try:
                refuse_bad_rows(con, stream, views[name])
            except DataError as exc:
                problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    if len(plan.boundaries) < 2:
        return Evaluation.empty(rulebook, plan, quarantine)
    scans: dict[str, str] = {}
    for i, (name, stream) in enumerate(rulebook.streams.items()):
        say(f"scanning stream {name}")
        scans[name] = f"s{i}"
        scan_stream(con, plan, plan.streams[name], stream, views[name].name, scans[name])
    say("assembling windows")
    bucket_table(con, plan, "buckets")
    assemble_from_scans(con, plan, scans, "buckets")
    say("applying responses")
    actions = fired(con, rulebook, plan, FINDINGS)
    order = sorted(range(len(plan.goals)), key=lambda gi: plan.goals[gi].goal.id)
    rank = {gi: r for r, gi in enumerate(order)}
    table = con.sql(f"SELECT g, a, k, value, status FROM {FINDINGS}").to_arrow_table()
    return Evaluation.build(rulebook, plan, table, actions, rank, quarantine)


__all__ = ["Evaluation", "evaluate"]
