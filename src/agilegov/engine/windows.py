"""From per-(actor, cell) partials to findings: the stages after the scan.

Shared by the batch engine (cells counted from the plan's first boundary) and the
live monitor (cells counted on a fixed grid): both give `scans` tables of
`(a, cell, presence, partials..., distinct lists...)` and a `buckets` table
mapping cell numbers to buckets.
"""

from __future__ import annotations

import duckdb
import sqlglot
from sqlglot import exp

from agilegov.engine.assemble import assemble
from agilegov.engine.plan import Plan
from agilegov.engine.scan import BUCKET, VALUE, combine_streams, distinct_table
from agilegov.sqlbuild import alias, col, ident


def _create(con: duckdb.DuckDBPyConnection, name: str, query: exp.Expr) -> None:
    statement = exp.Create(this=exp.Table(this=ident(name)), kind="TABLE", expression=query)
    con.execute(statement.sql(dialect="duckdb"))


def assemble_from_scans(
    con: duckdb.DuckDBPyConnection, plan: Plan, scans: dict[str, str], buckets: str
) -> None:
    """CREATE TABLE findings(g, a, k, value, status) from the streams' scan tables."""
    combine_streams(con, plan, scans, buckets, "parts")
    aggs: list[exp.Expr] = [col(BUCKET), alias(exp.Sum(this=col("n")), "n")]
    for sp in plan.streams.values():
        for p in sp.columns.values():
            fn = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[p.combine]
            aggs.append(alias(fn(this=col(p.name)), p.name))
    _create(
        con,
        "parts_all",
        sqlglot.select(*aggs).from_(exp.Table(this=ident("parts"))).group_by(col(BUCKET)),
    )
    distinct: dict[str, str] = {}
    distinct_all: dict[str, str] = {}
    for name, sp in plan.streams.items():
        for list_col in sp.distinct.values():
            distinct[list_col] = f"dt_{list_col}"
            distinct_table(con, scans[name], buckets, list_col, distinct[list_col])
            distinct_all[list_col] = f"dta_{list_col}"
            source = exp.Table(this=ident(distinct[list_col]))
            _create(
                con,
                distinct_all[list_col],
                sqlglot.select(col(BUCKET), col(VALUE)).distinct().from_(source),
            )
    assemble(con, plan, "parts", "parts_all", distinct, distinct_all)
