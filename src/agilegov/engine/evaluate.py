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
import sqlglot
from sqlglot import exp

from agilegov.data.load import Quarantine, StreamView, refuse_bad_rows, register_stream
from agilegov.data.normalize import TimeContext
from agilegov.data.sources import ERROR
from agilegov.engine.assemble import FINDINGS, assemble
from agilegov.engine.plan import Plan, build_plan
from agilegov.engine.responses import fired
from agilegov.engine.result import Evaluation
from agilegov.engine.scan import (
    ACTOR,
    BUCKET,
    ERRORS,
    VALUE,
    bucket_table,
    combine_streams,
    distinct_table,
    scan_stream,
)
from agilegov.errors import DataError, Problem
from agilegov.rulebook.model import Rulebook
from agilegov.sqlbuild import alias, col, ident

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
    if len(plan.boundaries) < 2:
        problems0: list[Problem] = []
        for name, stream in rulebook.streams.items():
            try:
                refuse_bad_rows(con, stream, views[name])
            except DataError as exc:
                problems0.extend(exc.problems)
        if problems0:
            raise DataError(problems0)
        return Evaluation.empty(rulebook, plan, quarantine)
    scans: dict[str, str] = {}
    problems: list[Problem] = []
    for i, (name, stream) in enumerate(rulebook.streams.items()):
        say(f"scanning stream {name}")
        scans[name] = f"s{i}"
        view = views[name]
        scan_stream(con, plan, plan.streams[name], stream, view.name, scans[name], view.checked)
        errors = (
            con.execute(f'SELECT sum("{ERRORS}") FROM "s{i}"').fetchall()[0] if view.checked else None
        )
        if errors and errors[0]:
            try:
                refuse_bad_rows(con, stream, views[name])
            except DataError as exc:
                problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    say("assembling windows")
    bucket_table(con, plan, "buckets")
    combine_streams(con, plan, scans, "buckets", "parts")
    _per_all_parts(con, plan)
    distinct: dict[str, str] = {}
    distinct_all: dict[str, str] = {}
    for name, sp in plan.streams.items():
        for list_col in sp.distinct.values():
            distinct[list_col] = f"dt_{list_col}"
            distinct_table(con, scans[name], "buckets", list_col, distinct[list_col])
            distinct_all[list_col] = f"dta_{list_col}"
            q = (
                sqlglot.select(col(BUCKET), col(VALUE))
                .distinct()
                .from_(exp.Table(this=ident(distinct[list_col])))
            )
            con.execute(
                exp.Create(
                    this=exp.Table(this=ident(distinct_all[list_col])), kind="TABLE", expression=q
                ).sql(dialect="duckdb")
            )
    assemble(con, plan, "parts", "parts_all", distinct, distinct_all)
    say("applying responses")
    actions = fired(con, rulebook, plan, FINDINGS)
    order = sorted(range(len(plan.goals)), key=lambda gi: plan.goals[gi].goal.id)
    rank = {gi: r for r, gi in enumerate(order)}
    table = con.sql(f"SELECT g, a, k, value, status FROM {FINDINGS}").to_arrow_table()
    return Evaluation.build(rulebook, plan, table, actions, rank, quarantine)


def _per_all_parts(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    aggs: list[exp.Expr] = [col(BUCKET), alias(exp.Sum(this=col("n")), "n")]
    for sp in plan.streams.values():
        for p in sp.columns.values():
            fn = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[p.combine]
            aggs.append(alias(fn(this=col(p.name)), p.name))
    q = sqlglot.select(*aggs).from_(exp.Table(this=ident("parts"))).group_by(col(BUCKET))
    con.execute(
        exp.Create(this=exp.Table(this=ident("parts_all")), kind="TABLE", expression=q).sql(
            dialect="duckdb"
        )
    )


__all__ = ["ACTOR", "ERROR", "Evaluation", "evaluate"]
