"""Compile measures and conditions to SQLGlot expressions (never to text).

Representation in SQL: timestamps are BIGINT epoch microseconds (UTC),
durations BIGINT microseconds (in conditions `d` is 24 hours and `w` 7 x 24
hours), int BIGINT, float DOUBLE, string VARCHAR, bool BOOLEAN. `/` is true
division and a zero divisor gives NULL (NULLIF), in conditions and in
measures. Conditions use SQL's three-valued logic, which is the spec's.

Every composite node is wrapped in parentheses, so the generated SQL keeps the
tree's grouping in every dialect. Literals are built as SQL literals
(`exp.Literal.string` quotes safely); no rulebook text is ever parsed as SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from agilegov.measure.ast import (
    Aggregate,
    And,
    Between,
    BinOp,
    CmpOp,
    Compare,
    Comparison,
    Condition,
    Expr,
    FieldRef,
    InList,
    IsNull,
    Literal_,
    Neg,
    Not,
    Number,
    Truth,
    Value,
    ValueBinOp,
    ValueNeg,
)
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Stream

ColumnFn = Callable[[str], exp.Expression]
AggregateFn = Callable[[Aggregate], exp.Expression]

MICROS = 1_000_000

_COMPARE: dict[CmpOp, Callable[..., exp.Expression]] = {
    "=": exp.EQ,
    "==": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def _paren(node: exp.Expression) -> exp.Expression:
    return exp.Paren(this=node)


def _double(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("DOUBLE"))


def double_literal(value: float) -> exp.Expression:
    """A float as a DOUBLE (not a DECIMAL), exactly the same IEEE value as in Python."""
    literal = exp.Literal.number(repr(abs(float(value))))
    node = _double(literal)
    return _paren(exp.Neg(this=node)) if value < 0 else node


def bigint_literal(value: int) -> exp.Expression:
    """A whole number as BIGINT (DuckDB would type a small literal INTEGER and overflow)."""
    node = exp.Cast(this=exp.Literal.number(str(abs(value))), to=exp.DataType.build("BIGINT"))
    return _paren(exp.Neg(this=node)) if value < 0 else node


def _arith(op: str, left: exp.Expression, right: exp.Expression) -> exp.Expression:
    if op == "+":
        return _paren(exp.Add(this=left, expression=right))
    if op == "-":
        return _paren(exp.Sub(this=left, expression=right))
    if op == "*":
        return _paren(exp.Mul(this=left, expression=right))
    divisor = exp.Nullif(this=right, expression=exp.Literal.number(0))
    return _paren(exp.Div(this=_double(left), expression=divisor))


def literal_sql(lit: Literal_) -> exp.Expression:
    """A condition literal: numbers, strings, booleans, durations (microseconds)."""
    value = lit.value
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return bigint_literal(value)
    if isinstance(value, float):
        return double_literal(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    assert isinstance(value, Duration)
    return bigint_literal(value.condition_seconds * MICROS)


def value_sql(value: Value, stream: Stream, column: ColumnFn) -> exp.Expression:
    """A per-event value of `stream`; `column(name)` gives the SQL of a field."""
    if isinstance(value, FieldRef):
        return column(value.name)
    if isinstance(value, Literal_):
        return literal_sql(value)
    if isinstance(value, ValueNeg):
        return _paren(exp.Neg(this=value_sql(value.operand, stream, column)))
    assert isinstance(value, ValueBinOp)
    left = value_sql(value.left, stream, column)
    return _arith(value.op, left, value_sql(value.right, stream, column))


def condition_sql(cond: Condition, stream: Stream, column: ColumnFn) -> exp.Expression:
    """A condition over one event of `stream`, as a BOOLEAN that may be NULL."""
    def val(v: Value) -> exp.Expression:
        return value_sql(v, stream, column)

    def sub(c: Condition) -> exp.Expression:
        return condition_sql(c, stream, column)

    if isinstance(cond, Compare):
        return _paren(_COMPARE[cond.op](this=val(cond.left), expression=val(cond.right)))
    if isinstance(cond, InList):
        node: exp.Expression = exp.In(
            this=val(cond.operand), expressions=[literal_sql(i) for i in cond.items]
        )
        return _paren(exp.Not(this=_paren(node))) if cond.negated else _paren(node)
    if isinstance(cond, Between):
        node = exp.Between(this=val(cond.operand), low=val(cond.low), high=val(cond.high))
        return _paren(exp.Not(this=_paren(node))) if cond.negated else _paren(node)
    if isinstance(cond, IsNull):
        node = exp.Is(this=val(cond.operand), expression=exp.Null())
        return _paren(exp.Not(this=_paren(node))) if cond.negated else _paren(node)
    if isinstance(cond, Truth):
        return val(cond.operand)
    if isinstance(cond, Not):
        return _paren(exp.Not(this=sub(cond.operand)))
    joiner: Callable[..., exp.Expression] = exp.And if isinstance(cond, And) else exp.Or
    result = sub(cond.items[0])
    for item in cond.items[1:]:
        result = _paren(joiner(this=result, expression=sub(item)))
    return result


def expr_sql(expr: Expr, aggregate: AggregateFn) -> exp.Expression:
    """A measure as DOUBLE (NULL: undefined); `aggregate(a)` gives each aggregate's SQL."""
    if isinstance(expr, Number):
        return double_literal(expr.value)
    if isinstance(expr, Aggregate):
        return aggregate(expr)
    if isinstance(expr, Neg):
        return _paren(exp.Neg(this=expr_sql(expr.operand, aggregate)))
    assert isinstance(expr, BinOp)
    left = expr_sql(expr.left, aggregate)
    return _arith(expr.op, left, expr_sql(expr.right, aggregate))


def comparison_sql(cmp: Comparison, aggregate: AggregateFn) -> exp.Expression:
    """`expr CMP expr` (min_evidence) as a BOOLEAN; NULL when either side is undefined."""
    left = expr_sql(cmp.left, aggregate)
    return _paren(_COMPARE[cmp.op](this=left, expression=expr_sql(cmp.right, aggregate)))


def aggregate_sql(agg: Aggregate, stream: Stream, column: ColumnFn) -> exp.Expression:
    """One aggregate over the rows of its stream in a group, as DOUBLE.

    `count` and `count_distinct` are 0 and `sum` is 0 over no (non-null) values;
    `avg`, `min` and `max` are NULL (undefined) there. The `where` condition
    becomes a FILTER clause, so several aggregates can share one scan.
    """
    if agg.field is None:
        inner: exp.Expression = exp.Count(this=exp.Star())
    else:
        arg = column(agg.field)
        if agg.func == "count":
            inner = exp.Count(this=arg)
        elif agg.func == "count_distinct":
            inner = exp.Count(this=exp.Distinct(expressions=[arg]))
        elif agg.func == "sum":
            inner = exp.Sum(this=arg)
        elif agg.func == "avg":
            inner = exp.Avg(this=_double(arg))
        elif agg.func == "min":
            inner = exp.Min(this=arg)
        else:
            inner = exp.Max(this=arg)
    if agg.where is not None:
        inner = exp.Filter(this=inner, expression=exp.Where(
            this=condition_sql(agg.where, stream, column)
        ))
    result = _double(inner)
    if agg.func == "sum":
        result = exp.Coalesce(this=result, expressions=[_double(exp.Literal.number("0"))])
    return result
