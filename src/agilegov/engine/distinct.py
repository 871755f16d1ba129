"""Distinct counts over sliding windows without re-counting each window.

When every window spans the same number L of buckets, an occurrence of value v
at bucket b (previous occurrence of v, for the same actor, at bucket p) is the
first occurrence of v in exactly the windows whose last bucket e satisfies
max(b, p + L) <= e <= b + L - 1. So the distinct count of the window ending at e
is the number of those ranges containing e: +1 at each range's start, -1 after
its end, and a running integer sum over e (exact). The cost is proportional to
the occurrences, not to occurrences x L as when each window is counted apart.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from agilegov.engine.scan import ACTOR, BUCKET, VALUE
from agilegov.sqlbuild import alias, col, ident, lit


def _t(name: str, as_: str | None = None) -> exp.Table:
    return exp.Table(this=ident(name), alias=exp.TableAlias(this=ident(as_)) if as_ else None)


def sliding_distinct(wname: str, length: int, table: str, per_all: bool, out: str) -> exp.Select:
    """SELECT k, [a,] <out> per window of `wname` (columns k, hi), from (a, bucket, v) rows."""
    keys = [] if per_all else [col(ACTOR)]
    lag = exp.Window(
        this=exp.Anonymous(this="lag", expressions=[col(BUCKET)]),
        partition_by=[*(k.copy() for k in keys), col(VALUE)],
        order=exp.Order(expressions=[exp.Ordered(this=col(BUCKET))]),
    )
    occ = sqlglot.select(*keys, alias(col(BUCKET), "b"), alias(lag, "prev")).from_(_t(table))
    first = exp.Greatest(
        this=col("b"),
        expressions=[
            exp.Coalesce(
                this=exp.Add(this=col("prev"), expression=lit(length)), expressions=[col("b")]
            )
        ],
    )
    last = exp.Add(this=col("b"), expression=lit(length - 1))
    ranges = sqlglot.select(*(k.copy() for k in keys), alias(first, "s"), alias(last, "e")).from_(
        occ.subquery("o")
    )
    ranges = (
        sqlglot.select("*")
        .from_(ranges.subquery("r0"))
        .where(exp.LTE(this=col("s"), expression=col("e")))
    )
    starts = sqlglot.select(
        *(k.copy() for k in keys), alias(col("s"), "pos"), alias(lit(1), "d")
    ).from_(ranges.subquery("r1"))
    ends = sqlglot.select(
        *(k.copy() for k in keys),
        alias(exp.Add(this=col("e"), expression=lit(1)), "pos"),
        alias(lit(-1), "d"),
    ).from_(ranges.copy().subquery("r2"))
    events = exp.Union(this=starts, expression=ends, distinct=False)
    grouped = (
        sqlglot.select(*(k.copy() for k in keys), col("pos"), alias(exp.Sum(this=col("d")), "d"))
        .from_(exp.Subquery(this=events, alias=exp.TableAlias(this=ident("ev"))))
        .group_by(*(k.copy() for k in keys), col("pos"))
    )
    running = exp.Window(
        this=exp.Sum(this=col("d")),
        partition_by=[k.copy() for k in keys],
        order=exp.Order(expressions=[exp.Ordered(this=col("pos"))]),
        spec=exp.WindowSpec(
            kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
        ),
    )
    cum = sqlglot.select(*(k.copy() for k in keys), col("pos"), alias(running, "c")).from_(
        grouped.subquery("g")
    )
    probes = sqlglot.select(col("k"), alias(exp.Sub(this=col("hi"), expression=lit(1)), "e")).from_(
        _t(wname)
    )
    if not per_all:
        actors = sqlglot.select(col(ACTOR)).distinct().from_(_t(table))
        probes = (
            sqlglot.select(col("k"), col("e"), col(ACTOR))
            .from_(probes.subquery("p0"))
            .join(actors.subquery("x"), join_type="CROSS")
        )
    on: exp.Expr = exp.GTE(this=col("e", "p"), expression=col("pos", "c"))
    if not per_all:
        on = exp.and_(exp.EQ(this=col(ACTOR, "p"), expression=col(ACTOR, "c")), on)
    join = exp.Join(
        this=exp.Subquery(this=cum, alias=exp.TableAlias(this=ident("c"))), kind="ASOF", on=on
    )  # windows before any occurrence: no row, counted 0 later
    sel = sqlglot.select(
        col("k", "p"),
        *([] if per_all else [col(ACTOR, "p")]),
        alias(exp.Coalesce(this=col("c", "c"), expressions=[lit(0)]), out),
    ).from_(probes.subquery("p"))
    sel.append("joins", join)
    return sel
