"""The syntax tree of measures, conditions and min_evidence.

Nodes are frozen dataclasses. Every node carries the 1-based column where it
starts in its source text (`col`), so that errors can point at it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from agilegov.rulebook.durations import Duration

AggFunc = Literal["count", "sum", "avg", "min", "max", "count_distinct"]
ArithOp = Literal["+", "-", "*", "/"]
CmpOp = Literal["=", "==", "!=", "<", "<=", ">", ">="]

# ---- values inside a condition (per event) -------------------------------------


@dataclass(frozen=True)
class FieldRef:
    """A field of the aggregated stream's event."""

    name: str
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Literal_:
    """A literal: number (int or float), string, duration or boolean."""

    value: int | float | str | bool | Duration
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class ValueNeg:
    operand: Value
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class ValueBinOp:
    op: ArithOp
    left: Value
    right: Value
    col: int = dataclasses.field(default=0, compare=False)


Value = FieldRef | Literal_ | ValueNeg | ValueBinOp

# ---- conditions ------------------------------------------------------------------


@dataclass(frozen=True)
class Compare:
    op: CmpOp
    left: Value
    right: Value
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class InList:
    operand: Value
    items: tuple[Literal_, ...]
    negated: bool = False
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Between:
    operand: Value
    low: Value
    high: Value
    negated: bool = False
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class IsNull:
    operand: Value
    negated: bool = False  # `is not null`
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Truth:
    """A bare value used as a predicate (a bool field or literal)."""

    operand: Value
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Condition
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]
    col: int = dataclasses.field(default=0, compare=False)


Condition = Compare | InList | Between | IsNull | Truth | Not | And | Or

# ---- measures (over windows) -------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    func: AggFunc
    stream: str
    field: str | None  # None: the stream itself (only for count)
    where: Condition | None = None
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Number:
    value: float
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Neg:
    operand: Expr
    col: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class BinOp:
    op: ArithOp
    left: Expr
    right: Expr
    col: int = dataclasses.field(default=0, compare=False)


Expr = Number | Neg | BinOp | Aggregate


@dataclass(frozen=True)
class Comparison:
    """`expr CMP expr`, the form of min_evidence."""

    op: CmpOp
    left: Expr
    right: Expr
    col: int = dataclasses.field(default=0, compare=False)


def aggregates(expr: Expr | Comparison) -> list[Aggregate]:
    """Every aggregate in an expression, left to right (duplicates kept)."""
    if isinstance(expr, Aggregate):
        return [expr]
    if isinstance(expr, Number):
        return []
    if isinstance(expr, Neg):
        return aggregates(expr.operand)
    return aggregates(expr.left) + aggregates(expr.right)
