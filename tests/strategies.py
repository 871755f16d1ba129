"""Hypothesis strategies: random rulebooks (as model objects) and random data files.

Rulebooks use two fixed streams whose fields cover every type; goals, measures,
conditions, windows, targets and responses are random. Data clusters around
DST changes and month ends, holds nulls and repeated keys, and is written as
CSV, JSONL or Parquet. Numbers are binary-exact so sums do not depend on order.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

from agilegov.measure import ast
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import FieldSpec, Goal, Response, Rulebook, Stream, Target

TIMEZONES = ("UTC", "Asia/Tokyo", "Europe/Berlin", "America/New_York")
# Local dates around DST changes (Europe, US) and month ends.
HOT_DAYS = (
    dt.date(2025, 3, 9), dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2025, 11, 2),
    dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2024, 2, 29), dt.date(2025, 4, 30),
)
NUMBERS = (0, 0.5, 1, 1.5, 2, 3.25, 10)
CATEGORIES = ("a", "b", "c")

S1 = Stream(
    name="s1", time="at", actor="op", key="id",
    fields={
        "id": FieldSpec("id", "string"),
        "op": FieldSpec("op", "string", required=True),
        "at": FieldSpec("at", "timestamp", required=True),
        "v": FieldSpec("v", "float"),
        "n": FieldSpec("n", "int"),
        "flag": FieldSpec("flag", "bool"),
        "cat": FieldSpec("cat", "string", values=CATEGORIES),
        "t2": FieldSpec("t2", "timestamp"),
        "p": FieldSpec("p", "string", personal=True),
    },
)
S2 = Stream(
    name="s2", time="at", actor="op",
    fields={
        "op": FieldSpec("op", "string", required=True),
        "at": FieldSpec("at", "timestamp", required=True),
        "w": FieldSpec("w", "float"),
    },
)
STREAMS = {"s1": S1, "s2": S2}
CMP_OPS: tuple[ast.CmpOp, ...] = ("=", "==", "!=", "<", "<=", ">", ">=")


def _num() -> st.SearchStrategy[ast.Literal_]:
    return st.sampled_from((0, 1, 2, 3, 1.5, 10)).map(ast.Literal_)


def _span() -> st.SearchStrategy[ast.Literal_]:
    return st.builds(Duration, st.sampled_from((0, 1, 2, 30)), st.sampled_from(("m", "h", "d", "w"))
                     ).map(ast.Literal_)


def _numeric_value() -> st.SearchStrategy[ast.Value]:
    field = st.sampled_from(("v", "n")).map(ast.FieldRef)
    simple: st.SearchStrategy[ast.Value] = st.one_of(field, _num())
    return st.one_of(
        field,
        st.builds(ast.ValueBinOp, st.sampled_from(("+", "-", "*", "/")), field, simple),
        field.map(ast.ValueNeg),
    )


def _predicate() -> st.SearchStrategy[ast.Condition]:
    gap = st.just(ast.ValueBinOp("-", ast.FieldRef("t2"), ast.FieldRef("at")))
    any_field = st.sampled_from(tuple(S1.fields)).map(ast.FieldRef)
    return st.one_of(
        st.builds(ast.Compare, st.sampled_from(CMP_OPS), _numeric_value(), _num()),
        st.builds(ast.Compare, st.sampled_from(CMP_OPS), st.just(ast.FieldRef("cat")),
                  st.sampled_from(CATEGORIES).map(ast.Literal_)),
        st.builds(ast.InList, st.just(ast.FieldRef("cat")),
                  st.lists(st.sampled_from(CATEGORIES).map(ast.Literal_), min_size=1,
                           max_size=2).map(tuple), st.booleans()),
        st.builds(ast.InList, st.just(ast.FieldRef("n")),
                  st.lists(_num(), min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(ast.Between, _numeric_value(), _num(), _num(), st.booleans()),
        st.builds(ast.IsNull, any_field, st.booleans()),
        st.just(ast.Truth(ast.FieldRef("flag"))),
        st.builds(ast.Compare, st.sampled_from(CMP_OPS), gap, _span()),
        st.builds(ast.Compare, st.sampled_from(("<", ">=")), st.just(ast.FieldRef("t2")),
                  st.builds(ast.ValueBinOp, st.just("+"), st.just(ast.FieldRef("at")), _span())),
        st.builds(ast.Between, gap, _span(), _span(), st.booleans()),
    )


def conditions() -> st.SearchStrategy[ast.Condition]:
    return st.recursive(
        _predicate(),
        lambda inner: st.one_of(
            inner.map(ast.Not),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.Or(tuple(xs))),
        ),
        max_leaves=4,
    )


def aggregates() -> st.SearchStrategy[ast.Aggregate]:
    where = st.none() | conditions()
    return st.one_of(
        st.builds(ast.Aggregate, st.just("count"), st.just("s1"), st.none(), where),
        st.builds(ast.Aggregate, st.just("count"), st.just("s1"),
                  st.sampled_from(("v", "p", "t2", "cat")), where),
        st.builds(ast.Aggregate, st.just("count_distinct"), st.just("s1"),
                  st.sampled_from(("p", "cat", "n", "t2")), where),
        st.builds(ast.Aggregate, st.sampled_from(("sum", "avg", "min", "max")), st.just("s1"),
                  st.sampled_from(("v", "n")), where),
        st.builds(ast.Aggregate, st.sampled_from(("count", "sum", "avg", "max")),
                  st.just("s2"), st.just("w"), st.none()),
        st.just(ast.Aggregate("count", "s2", None)),
    )


def measures() -> st.SearchStrategy[ast.Expr]:
    leaf: st.SearchStrategy[ast.Expr] = st.one_of(
        aggregates(), st.sampled_from((1.0, 2.0, 100.0)).map(ast.Number))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(ast.BinOp, st.sampled_from(("+", "-", "*", "/")), inner, inner),
            inner.map(ast.Neg),
        ),
        max_leaves=3,
    )


def _target(value: float, op: ast.CmpOp) -> Target:
    return Target(op, value, f"{op} {value:g}")


@st.composite
def goals(draw: st.DrawFn, gid: str, effective: dt.date) -> Goal:
    window = draw(st.sampled_from((Duration(6, "h"), Duration(1, "d"), Duration(2, "d"),
                                   Duration(1, "w"), Duration(1, "mo"))))
    every = draw(st.sampled_from((Duration(12, "h"), Duration(1, "d"), Duration(1, "w"),
                                  Duration(1, "mo"))))
    dates = sorted(draw(st.sets(st.integers(-10, 40), min_size=1, max_size=2)))
    targets = tuple(
        (effective + dt.timedelta(days=d),
         _target(draw(st.sampled_from((0.0, 1.0, 2.0, 5.0))),
                 draw(st.sampled_from(("<", "<=", ">", ">=", "==")))))
        for d in dates
    )
    evidence = draw(st.none() | st.builds(
        ast.Comparison, st.sampled_from((">=", ">")), aggregates(),
        st.sampled_from((0.0, 1.0, 2.0)).map(ast.Number)))
    return Goal(
        id=gid, title=gid, measure=draw(measures()), measure_text="(generated)",
        targets=targets, window=window, every=every,
        per=draw(st.sampled_from(("actor", "all"))), min_evidence=evidence,
        min_evidence_text=None if evidence is None else "(generated)",
    )


@st.composite
def rulebooks(draw: st.DrawFn) -> Rulebook:
    tz = draw(st.sampled_from(TIMEZONES))
    effective = draw(st.sampled_from(HOT_DAYS)) + dt.timedelta(days=draw(st.integers(-3, 1)))
    ids = draw(st.lists(st.sampled_from(("g-a", "g-b", "g-c")), min_size=1, max_size=2,
                        unique=True))
    responses = tuple(draw(st.lists(st.builds(
        Response,
        st.sampled_from(("*", *ids)), st.sampled_from(("unmet", "met")), st.integers(1, 3),
        st.sampled_from(("notice", "plan", "recognize")),
        st.none() | st.sampled_from((Duration(14, "d"), Duration(1, "mo"), Duration(2, "h"))),
    ), max_size=3)))
    return Rulebook(
        domain="random", version=1, effective_from=effective, streams=dict(STREAMS),
        goals=tuple(draw(goals(gid, effective)) for gid in sorted(ids)),
        responses=responses, timezone=tz,
    )


@st.composite
def instants(draw: st.DrawFn, around: dt.date, tz: ZoneInfo) -> dt.datetime:
    """An aware instant near a local date: local wall times (incl. gaps/folds) or UTC."""
    day = around + dt.timedelta(days=draw(st.integers(-3, 4)))
    wall = dt.datetime.combine(day, dt.time(draw(st.sampled_from((0, 1, 2, 3, 12, 23))),
                                            draw(st.sampled_from((0, 30, 59)))))
    fold = draw(st.sampled_from((0, 1)))
    return wall.replace(tzinfo=tz, fold=fold)


@st.composite
def events(draw: st.DrawFn, rulebook: Rulebook) -> dict[str, list[dict[str, Any]]]:
    tz = ZoneInfo(rulebook.timezone)
    around = rulebook.effective_from
    op = st.sampled_from(("A", "B", "b"))
    maybe_num = st.none() | st.sampled_from(NUMBERS)
    s1 = draw(st.lists(st.fixed_dictionaries({
        "id": st.none() | st.sampled_from(("k1", "k2", "k3", "k4")),
        "op": op, "at": instants(around, tz), "v": maybe_num,
        "n": st.none() | st.integers(-2, 3), "flag": st.none() | st.booleans(),
        "cat": st.none() | st.sampled_from(CATEGORIES),
        "t2": st.none() | instants(around, tz), "p": st.none() | st.sampled_from(("x", "y")),
    }), max_size=14))
    s2 = draw(st.lists(st.fixed_dictionaries({"op": op, "at": instants(around, tz),
                                              "w": maybe_num}), max_size=6))
    return {"s1": s1, "s2": s2}


def _text(value: object, naive: bool) -> object:
    if isinstance(value, dt.datetime):
        if naive:
            return value.replace(tzinfo=None).isoformat()
        return value.astimezone(dt.UTC).isoformat()
    return value


def write_stream(folder: Path, stream: Stream, rows: list[dict[str, Any]], fmt: str,
                 naive: bool) -> None:
    """Write rows as `stream.<fmt>`; naive=True writes local wall times without offset."""
    names = list(stream.fields)
    path = folder / f"{stream.name}.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(
            json.dumps({k: _text(r[k], naive) for k in names if r[k] is not None}) + "\n"
            for r in rows))
    elif fmt == "csv":
        def cell(v: object) -> str:
            t = _text(v, naive)
            return "" if t is None else str(t).lower() if isinstance(t, bool) else str(t)
        path.write_text(",".join(names) + "\n" + "".join(
            ",".join(cell(r[k]) for k in names) + "\n" for r in rows))
    else:
        types = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
                 "bool": pa.bool_(), "timestamp": pa.timestamp("us", tz="UTC")}
        columns = {
            k: pa.array([r[k].astimezone(dt.UTC) if isinstance(r[k], dt.datetime) else
                         (float(r[k]) if spec.type == "float" and r[k] is not None else r[k])
                         for r in rows], type=types[spec.type])
            for k, spec in stream.fields.items()
        }
        pq.write_table(pa.table(columns), path)
