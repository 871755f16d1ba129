"""Name and type checks of measures, conditions and min_evidence.

Kinds of values: `number` (int and float are one kind), `string`, `bool`,
`timestamp` and `duration`. Problems carry the column of the offending node
within the measure text; an empty list means the text is well typed.
"""

from __future__ import annotations

import difflib
from typing import Literal

from agilegov.errors import Problem
from agilegov.measure.ast import (
    Aggregate,
    And,
    Between,
    BinOp,
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
    Or,
    Truth,
    Value,
    ValueBinOp,
    ValueNeg,
)
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import FieldSpec, FieldType, Stream

Kind = Literal["number", "string", "bool", "timestamp", "duration"]

_KIND_OF_TYPE: dict[FieldType, Kind] = {
    "int": "number",
    "float": "number",
    "string": "string",
    "bool": "bool",
    "timestamp": "timestamp",
}
_NUMERIC_AGGREGATES = ("sum", "avg", "min", "max")
_EQUALITY = ("=", "==", "!=")

# (left kind, operator, right kind) -> result kind
_ARITHMETIC: dict[tuple[Kind, str, Kind], Kind] = {
    ("number", "+", "number"): "number",
    ("number", "-", "number"): "number",
    ("number", "*", "number"): "number",
    ("number", "/", "number"): "number",
    ("timestamp", "-", "timestamp"): "duration",
    ("timestamp", "+", "duration"): "timestamp",
    ("duration", "+", "timestamp"): "timestamp",
    ("timestamp", "-", "duration"): "timestamp",
    ("duration", "+", "duration"): "duration",
    ("duration", "-", "duration"): "duration",
    ("duration", "*", "number"): "duration",
    ("number", "*", "duration"): "duration",
    ("duration", "/", "number"): "duration",
    ("duration", "/", "duration"): "number",
}


def kind_of_type(field_type: FieldType) -> Kind:
    """The kind of values a declared field type holds."""
    return _KIND_OF_TYPE[field_type]


def suggest(name: str, candidates: list[str] | tuple[str, ...], what: str) -> str:
    """`unknown <what> 'x'; did you mean 'y'?` (or the list of known names)."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} '{name}'; did you mean '{close[0]}'?"
    known = ", ".join(sorted(candidates)) or "none"
    return f"unknown {what} '{name}'; expected one of: {known}"


def check_measure(expr: Expr | Comparison, streams: dict[str, Stream]) -> list[Problem]:
    """Check a measure or a min_evidence comparison against the declared streams."""
    problems: list[Problem] = []
    _check_expr(expr, streams, problems)
    return problems


def check_condition(cond: Condition, stream: Stream) -> list[Problem]:
    """Check a condition over the events of one stream."""
    problems: list[Problem] = []
    _Conditions(stream, problems).condition(cond)
    return problems


def _check_expr(expr: Expr | Comparison, streams: dict[str, Stream], out: list[Problem]) -> None:
    if isinstance(expr, Number):
        return
    if isinstance(expr, Neg):
        _check_expr(expr.operand, streams, out)
    elif isinstance(expr, BinOp | Comparison):
        _check_expr(expr.left, streams, out)
        _check_expr(expr.right, streams, out)
    else:
        _check_aggregate(expr, streams, out)


def _check_aggregate(agg: Aggregate, streams: dict[str, Stream], out: list[Problem]) -> None:
    stream = streams.get(agg.stream)
    if stream is None:
        out.append(Problem(suggest(agg.stream, list(streams), "stream"), column=agg.col))
        return
    if agg.field is None:
        if agg.func != "count":
            out.append(Problem(
                f"{agg.func} needs a field, as in {agg.func}({agg.stream}.field); "
                f"only count takes a bare stream",
                column=agg.col,
            ))
    else:
        spec = stream.fields.get(agg.field)
        if spec is None:
            message = suggest(agg.field, list(stream.fields), f"field of stream '{agg.stream}'")
            out.append(Problem(message, column=agg.col))
        elif agg.func in _NUMERIC_AGGREGATES:
            if spec.personal:
                out.append(Problem(
                    f"'{agg.stream}.{agg.field}' is personal: it may only be counted "
                    f"(count, count_distinct) or tested with 'is [not] null'",
                    column=agg.col,
                ))
            elif spec.type not in ("int", "float"):
                out.append(Problem(
                    f"{agg.func} takes an int or float field; "
                    f"'{agg.stream}.{agg.field}' is {spec.type}",
                    column=agg.col,
                ))
    if agg.where is not None:
        _Conditions(stream, out).condition(agg.where)


class _Conditions:
    """Checks the conditions of one stream, collecting problems."""

    def __init__(self, stream: Stream, out: list[Problem]) -> None:
        self.stream = stream
        self.out = out

    def problem(self, message: str, col: int) -> None:
        self.out.append(Problem(message, column=col))

    def condition(self, cond: Condition) -> None:
        if isinstance(cond, And | Or):
            for item in cond.items:
                self.condition(item)
        elif isinstance(cond, Not):
            self.condition(cond.operand)
        elif isinstance(cond, Truth):
            kind = self.value(cond.operand)
            if kind is not None and kind != "bool":
                self.problem(
                    f"expected a condition; a {kind} alone is not one "
                    f"(compare it, as in x > 0, or use a bool field)",
                    cond.col,
                )
        elif isinstance(cond, IsNull):
            if isinstance(cond.operand, FieldRef):
                self.field(cond.operand, personal_ok=True)
            else:
                self.value(cond.operand)
        elif isinstance(cond, Compare):
            self.compare(cond)
        elif isinstance(cond, InList):
            self.in_list(cond)
        else:
            self.between(cond)

    def compare(self, cond: Compare) -> None:
        left, right = self.value(cond.left), self.value(cond.right)
        if left is None or right is None:
            return
        if left != right:
            self.problem(
                f"cannot compare a {left} with a {right}: "
                f"comparisons are between values of one kind",
                cond.right.col,
            )
        elif left == "bool" and cond.op not in _EQUALITY:
            self.problem(
                f"booleans can only be compared with = or !=, not {cond.op}", cond.left.col
            )

    def in_list(self, cond: InList) -> None:
        kind = self.value(cond.operand)
        for item in cond.items:
            item_kind = self.value(item)
            if kind is not None and item_kind is not None and item_kind != kind:
                self.problem(
                    f"expected a {kind} in this list (the kind of the value tested), "
                    f"got a {item_kind}",
                    item.col,
                )

    def between(self, cond: Between) -> None:
        kind = self.value(cond.operand)
        if kind == "bool":
            self.problem("booleans have no order: 'between' needs numbers, strings, "
                         "timestamps or durations", cond.operand.col)
            kind = None
        for bound in (cond.low, cond.high):
            bound_kind = self.value(bound)
            if kind is not None and bound_kind is not None and bound_kind != kind:
                self.problem(
                    f"expected a {kind} as a bound of 'between' (the kind of the value "
                    f"tested), got a {bound_kind}",
                    bound.col,
                )

    def field(self, ref: FieldRef, personal_ok: bool = False) -> Kind | None:
        spec: FieldSpec | None = self.stream.fields.get(ref.name)
        if spec is None:
            where = f"field of stream '{self.stream.name}'"
            self.problem(suggest(ref.name, list(self.stream.fields), where), ref.col)
            return None
        if spec.personal and not personal_ok:
            self.problem(
                f"'{ref.name}' is personal: in a condition it may only be tested "
                f"with 'is null' or 'is not null'",
                ref.col,
            )
            return None
        return kind_of_type(spec.type)

    def value(self, value: Value) -> Kind | None:
        """The kind of a value, or None when it is wrong (already reported)."""
        if isinstance(value, FieldRef):
            return self.field(value)
        if isinstance(value, Literal_):
            return self.literal(value)
        if isinstance(value, ValueNeg):
            kind = self.value(value.operand)
            if kind is not None and kind not in ("number", "duration"):
                self.problem(f"cannot negate a {kind}: '-' applies to numbers and durations",
                             value.col)
                return None
            return kind
        return self.arithmetic(value)

    def literal(self, lit: Literal_) -> Kind | None:
        v = lit.value
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int | float):
            return "number"
        if isinstance(v, str):
            return "string"
        assert isinstance(v, Duration)
        if v.unit in ("mo", "y"):
            self.problem(
                f"'{v}': months and years have no fixed length and are not allowed in "
                f"conditions; use s, m, h, d (24 hours) or w (7 days)",
                lit.col,
            )
            return None
        return "duration"

    def arithmetic(self, value: ValueBinOp) -> Kind | None:
        left, right = self.value(value.left), self.value(value.right)
        if left is None or right is None:
            return None
        result = _ARITHMETIC.get((left, value.op, right))
        if result is None:
            self.problem(
                f"cannot compute {left} {value.op} {right}: arithmetic works on numbers, "
                f"timestamp - timestamp, timestamp +/- duration, duration +/- duration "
                f"and duration * or / number",
                value.col,
            )
        return result
