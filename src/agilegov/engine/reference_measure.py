"""Measures, conditions and min_evidence for the reference evaluator, in plain Python.

Inside a condition, a timestamp is `Instant` (epoch microseconds) and a
duration `Span` (microseconds, absolute: `d` is 24 hours, `w` 7 x 24 hours);
numbers are `int`/`float`, strings `str`, booleans `bool`; `None` is null.
Conditions follow SQL's three-valued logic: `None` is unknown.
Over a window, a measure is a float or `None` (undefined).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, TypeGuard

from agilegov.engine.reference_time import micros
from agilegov.errors import MeasureError
from agilegov.measure import ast
from agilegov.rulebook.durations import Duration


@dataclass(frozen=True)
class Instant:
    us: int | float


@dataclass(frozen=True)
class Span:
    us: int | float


Scalar = int | float | str | bool | Instant | Span | None


def _number(v: object) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _literal(value: object) -> Scalar:
    if isinstance(value, Duration):
        return Span(value.condition_seconds * 1_000_000)
    if isinstance(value, dt.datetime):
        return Instant(micros(value))
    if isinstance(value, int | float | str | bool):
        return value
    raise MeasureError(f"unsupported literal {value!r}")


def _divide(left: Scalar, right: Scalar) -> Scalar:
    if _number(left) and _number(right):
        return None if right == 0 else left / right
    if isinstance(left, Span) and _number(right):
        return None if right == 0 else Span(left.us / right)
    if isinstance(left, Span) and isinstance(right, Span):
        return None if right.us == 0 else left.us / right.us
    raise MeasureError(f"cannot divide {left!r} by {right!r}")


def arith(op: str, left: Scalar, right: Scalar) -> Scalar:
    """One arithmetic operation; null in, null out; division by zero is null."""
    if left is None or right is None:
        return None
    if op == "/":
        return _divide(left, right)
    if _number(left) and _number(right):
        return left + right if op == "+" else left - right if op == "-" else left * right
    if op == "*":
        if isinstance(left, Span) and _number(right):
            return Span(left.us * right)
        if _number(left) and isinstance(right, Span):
            return Span(left * right.us)
    if op in "+-" and isinstance(right, Span):
        sign = 1 if op == "+" else -1
        if isinstance(left, Instant):
            return Instant(left.us + sign * right.us)
        if isinstance(left, Span):
            return Span(left.us + sign * right.us)
    if op == "+" and isinstance(left, Span) and isinstance(right, Instant):
        return Instant(left.us + right.us)
    if op == "-" and isinstance(left, Instant) and isinstance(right, Instant):
        return Span(left.us - right.us)
    raise MeasureError(f"cannot compute {left!r} {op} {right!r}")


def value_of(node: ast.Value, event: dict[str, Any]) -> Scalar:
    """A per-event value."""
    if isinstance(node, ast.FieldRef):
        return _literal(event[node.name]) if event[node.name] is not None else None
    if isinstance(node, ast.Literal_):
        return _literal(node.value)
    if isinstance(node, ast.ValueNeg):
        inner = value_of(node.operand, event)
        if inner is None:
            return None
        if isinstance(inner, Span):
            return Span(-inner.us)
        if _number(inner):
            return -inner
        raise MeasureError(f"cannot negate {inner!r}")
    return arith(node.op, value_of(node.left, event), value_of(node.right, event))


def _key(v: Scalar) -> object:
    return v.us if isinstance(v, Instant | Span) else v


def compare(op: str, left: Scalar, right: Scalar) -> bool | None:
    """A comparison in three-valued logic (strings by code point)."""
    if left is None or right is None:
        return None
    if type(left) is not type(right) and not (_number(left) and _number(right)):
        raise MeasureError(f"cannot compare {left!r} with {right!r}")
    a: Any = _key(left)
    b: Any = _key(right)
    if op in ("=", "=="):
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if isinstance(left, bool):
        raise MeasureError("booleans compare only with = and !=")
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def _not(v: bool | None) -> bool | None:
    return None if v is None else not v


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def holds(cond: ast.Condition, event: dict[str, Any]) -> bool | None:
    """A condition over one event: True, False or None (unknown)."""
    if isinstance(cond, ast.Compare):
        return compare(cond.op, value_of(cond.left, event), value_of(cond.right, event))
    if isinstance(cond, ast.InList):
        x = value_of(cond.operand, event)
        found = _any([compare("=", x, _literal(item.value)) for item in cond.items])
        return _not(found) if cond.negated else found
    if isinstance(cond, ast.Between):
        x = value_of(cond.operand, event)
        inside = _all([
            compare(">=", x, value_of(cond.low, event)),
            compare("<=", x, value_of(cond.high, event)),
        ])
        return _not(inside) if cond.negated else inside
    if isinstance(cond, ast.IsNull):
        null = value_of(cond.operand, event) is None
        return not null if cond.negated else null
    if isinstance(cond, ast.Truth):
        v = value_of(cond.operand, event)
        if v is not None and not isinstance(v, bool):
            raise MeasureError(f"expected a boolean, got {v!r}")
        return v
    if isinstance(cond, ast.Not):
        return _not(holds(cond.operand, event))
    if isinstance(cond, ast.And):
        return _all([holds(c, event) for c in cond.items])
    return _any([holds(c, event) for c in cond.items])


def aggregate(agg: ast.Aggregate, events: list[dict[str, Any]]) -> float | None:
    """An aggregate over a window's events of its stream (None: undefined)."""
    chosen = [e for e in events if agg.where is None or holds(agg.where, e) is True]
    if agg.field is None:
        if agg.func != "count":
            raise MeasureError(f"{agg.func} needs a field")
        return float(len(chosen))
    values = [e[agg.field] for e in chosen if e[agg.field] is not None]
    if agg.func == "count":
        return float(len(values))
    if agg.func == "count_distinct":
        return float(len({_key(_literal(v)) for v in values}))
    numbers: list[int | float] = []
    for v in values:
        if not _number(v):
            raise MeasureError(f"{agg.func} needs a numeric field, got {v!r}")
        numbers.append(v)
    exact = all(isinstance(v, int) for v in numbers)
    total = float(sum(numbers)) if exact else math.fsum(numbers)
    if agg.func == "sum":
        return total
    if not numbers:
        return None
    if agg.func == "avg":
        return sum(numbers) / len(numbers) if exact else total / len(numbers)
    return float(min(numbers) if agg.func == "min" else max(numbers))


def measure(expr: ast.Expr, scope: dict[str, list[dict[str, Any]]]) -> float | None:
    """A measure over a window's events per stream (None: undefined)."""
    if isinstance(expr, ast.Number):
        return float(expr.value)
    if isinstance(expr, ast.Aggregate):
        return aggregate(expr, scope[expr.stream])
    if isinstance(expr, ast.Neg):
        inner = measure(expr.operand, scope)
        return None if inner is None else -inner
    left, right = measure(expr.left, scope), measure(expr.right, scope)
    if left is None or right is None:
        return None
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    return None if right == 0 else left / right


def comparison(cmp: ast.Comparison, scope: dict[str, list[dict[str, Any]]]) -> bool | None:
    """min_evidence: `expr CMP expr`; None when either side is undefined."""
    left, right = measure(cmp.left, scope), measure(cmp.right, scope)
    return compare(cmp.op, left, right)
