"""One scan per stream: partial aggregates per (actor, cell), then per (actor, bucket).

Builds every statement as SQLGlot expressions. The scan of a stream computes,
in a single GROUP BY, every decomposable aggregate that any goal needs (each
with its `where` as a FILTER) plus the distinct values of each count_distinct.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from agilegov.engine.plan import Partial, Plan, StreamPlan
from agilegov.measure.ast import Aggregate, Condition
from agilegov.measure.sql import condition_sql
from agilegov.rulebook.model import Stream
from agilegov.sqlbuild import alias, col, func, ident, lit

ACTOR = "a"
CELL = "cell"
BUCKET = "bucket"
VALUE = "v"


def _table(name: str) -> exp.Table:
    return exp.Table(this=ident(name))


def _filtered(agg_fn: exp.Expr, where: Condition | None, stream: Stream) -> exp.Expr:
    if where is None:
        return agg_fn
    cond = condition_sql(where, stream, col)
    return exp.Filter(this=agg_fn, expression=exp.Where(this=cond))


def _partial_expr(p: Partial, stream: Stream) -> exp.Expr:
    if p.op == "count_star":
        return _filtered(exp.Count(this=exp.Star()), p.where, stream)
    assert p.field is not None
    target = col(p.field)
    node = {"count": exp.Count, "sum": exp.Sum, "min": exp.Min, "max": exp.Max}[p.op](this=target)
    return _filtered(node, p.where, stream)


def _distinct_expr(agg: Aggregate, stream: Stream) -> exp.Expr:
    assert agg.field is not None
    listed = exp.ArrayAgg(this=exp.Distinct(expressions=[col(agg.field)]))
    return _filtered(listed, agg.where, stream)


def scan_stream(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    sp: StreamPlan,
    stream: Stream,
    events_view: str,
    out_table: str,
) -> None:
    """CREATE TABLE out (a, cell, presence, partials..., distinct lists...) from one scan.

    Bad rows were counted (and refused) before: the scan only reads the plan's time range.
    """
    t = col(stream.time)
    in_range = exp.and_(
        exp.GTE(this=t.copy(), expression=lit(plan.lo_us)),
        exp.LT(this=t.copy(), expression=lit(plan.hi_us)),
    )
    cell: exp.Expr = exp.IntDiv(
        this=exp.Paren(this=exp.Sub(this=t, expression=lit(plan.lo_us))),
        expression=lit(plan.cell_us),
    )
    query = partials_query(sp, stream, events_view, cell).where(in_range)
    create = exp.Create(this=_table(out_table), kind="TABLE", expression=query)
    con.execute(create.sql(dialect="duckdb"))


def partials_query(
    sp: StreamPlan, stream: Stream, source: str, cell: exp.Expr, extra: list[exp.Expr] | None = None
) -> exp.Select:
    """SELECT a, cell, presence, partials..., distinct lists... GROUP BY actor, cell."""
    selects: list[exp.Expr] = [
        alias(col(stream.actor), ACTOR),
        alias(cell, CELL),
        alias(exp.Count(this=exp.Star()), sp.presence),
        *(extra or []),
    ]
    for part in sp.columns.values():
        selects.append(alias(_partial_expr(part, stream), part.name))
    for agg, name in sp.distinct.items():
        selects.append(alias(_distinct_expr(agg, stream), name))
    # Group by the expressions, not the aliases: a field may be named like an alias.
    return (
        sqlglot.select(*selects)
        .from_(_table(source))
        .group_by(col(stream.actor), cell.copy())
    )


def register_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy a small Arrow table into DuckDB (values travel as data, never as SQL text)."""
    con.register("agilegov_incoming", table)
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM agilegov_incoming')
    con.unregister("agilegov_incoming")


def bucket_table(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    name: str,
    origin: int | None = None,
    cell_us: int | None = None,
) -> None:
    """(bucket, cell_lo): bucket i starts at cell (B_i - origin) / G.

    The batch engine counts cells from the plan's first boundary in units of the
    plan's G; the live monitor passes its own fixed grid (`origin`, `cell_us`).
    """
    origin = plan.lo_us if origin is None else origin
    cell_us = plan.cell_us if cell_us is None else cell_us
    starts = plan.boundaries[:-1]
    table = pa.table(
        {
            BUCKET: pa.array(range(len(starts)), type=pa.int64()),
            "cell_lo": pa.array(
                [(b - origin) // cell_us for b in starts], type=pa.int64()
            ),
        }
    )
    register_table(con, name, table)


def _asof(scan_table: str, buckets: str) -> exp.Select:
    """Attach its bucket to each cell row (the last bucket starting at or before the cell)."""
    join = exp.Join(
        this=exp.Table(this=ident(buckets), alias=exp.TableAlias(this=ident("bk"))),
        kind="ASOF",
        on=exp.GTE(this=col(CELL, "s"), expression=col("cell_lo", "bk")),
    )
    sel = sqlglot.select(exp.Star()).from_(
        exp.Table(this=ident(scan_table), alias=exp.TableAlias(this=ident("s")))
    )
    sel.append("joins", join)
    return sel


def combine_streams(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    scans: dict[str, str],
    buckets: str,
    parts_table: str,
) -> None:
    """parts(a, bucket, n, partials...): all streams' partials per (actor, bucket)."""
    combined: list[exp.Expr] = []
    for sname, sp in plan.streams.items():
        src = _asof(scans[sname], buckets).subquery("x")
        cols: list[exp.Expr] = [col(ACTOR), col(BUCKET), alias(col(sp.presence), "n")]
        cols.extend(col(p.name) for p in sp.columns.values())
        combined.append(sqlglot.select(*cols).from_(src))
    union: exp.Expr = combined[0]
    for q in combined[1:]:
        union = exp.Union(this=union, expression=q, distinct=False, by_name=True)
    aggs: list[exp.Expr] = [col(ACTOR), col(BUCKET), alias(exp.Sum(this=col("n")), "n")]
    for sp in plan.streams.values():
        for p in sp.columns.values():
            fn = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[p.combine]
            aggs.append(alias(fn(this=col(p.name)), p.name))
    query = (
        sqlglot.select(*aggs)
        .from_(exp.Subquery(this=union, alias=exp.TableAlias(this=ident("u"))))
        .group_by(col(ACTOR), col(BUCKET))
    )
    con.execute(
        exp.Create(this=_table(parts_table), kind="TABLE", expression=query).sql(dialect="duckdb")
    )


def distinct_table(
    con: duckdb.DuckDBPyConnection, scan_table: str, buckets: str, list_col: str, out: str
) -> None:
    """out(a, bucket, v): the distinct non-null values per actor and bucket."""
    src = _asof(scan_table, buckets).subquery("x")
    inner = sqlglot.select(
        col(ACTOR), col(BUCKET), alias(func("unnest", col(list_col)), VALUE)
    ).from_(src)
    query = (
        sqlglot.select(col(ACTOR), col(BUCKET), col(VALUE))
        .distinct()
        .from_(inner.subquery("y"))
        .where(exp.Not(this=exp.Is(this=col(VALUE), expression=exp.null())))
    )
    con.execute(exp.Create(this=_table(out), kind="TABLE", expression=query).sql(dialect="duckdb"))
