"""Print a syntax tree back as measure-language text.

`parse_*(to_text(node)) == node` for every tree the parser can build; the
text is canonical (single spaces, the fewest parentheses that keep the tree).
"""

from __future__ import annotations

from decimal import Decimal

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

Node = Expr | Comparison | Condition | Value

_ARITH_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}
_NEG_PREC = 3
_ATOM_PREC = 4


def to_text(node: Node) -> str:
    """The text of a measure, comparison, condition or value."""
    if isinstance(node, Comparison):
        return f"{_expr(node.left)} {node.op} {_expr(node.right)}"
    if isinstance(node, Number | Neg | BinOp | Aggregate):
        return _expr(node)
    if isinstance(node, FieldRef | Literal_ | ValueNeg | ValueBinOp):
        return _value(node)
    return _cond(node)


def number_text(value: float) -> str:
    """A number as NUMBER text (digits, optional fraction; never an exponent)."""
    text = format(Decimal(repr(abs(value))).normalize(), "f")
    return f"-{text}" if value < 0 else text


def _literal(lit: Literal_) -> str:
    v = lit.value
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        text = number_text(v)
        return text if "." in text else text + ".0"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    assert isinstance(v, Duration)
    return str(v)


def _prec(node: Expr | Value) -> int:
    if isinstance(node, BinOp | ValueBinOp):
        return _ARITH_PREC[node.op]
    if isinstance(node, Neg | ValueNeg):
        return _NEG_PREC
    if isinstance(node, Literal_) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool) and node.value < 0:
        return _NEG_PREC
    if isinstance(node, Number) and node.value < 0:
        return _NEG_PREC
    return _ATOM_PREC


def _wrap(text: str, inner: int, needed: int) -> str:
    return f"({text})" if inner < needed else text


def _expr(node: Expr) -> str:
    if isinstance(node, Number):
        return number_text(node.value)
    if isinstance(node, Aggregate):
        ref = node.stream if node.field is None else f"{node.stream}.{node.field}"
        where = "" if node.where is None else f" where {_cond(node.where)}"
        return f"{node.func}({ref}{where})"
    if isinstance(node, Neg):
        return "-" + _wrap(_expr(node.operand), _prec(node.operand), _NEG_PREC)
    prec = _ARITH_PREC[node.op]
    left = _wrap(_expr(node.left), _prec(node.left), prec)
    right = _wrap(_expr(node.right), _prec(node.right), prec + 1)
    return f"{left} {node.op} {right}"


def _value(node: Value) -> str:
    if isinstance(node, FieldRef):
        return node.name
    if isinstance(node, Literal_):
        return _literal(node)
    if isinstance(node, ValueNeg):
        return "-" + _wrap(_value(node.operand), _prec(node.operand), _NEG_PREC)
    prec = _ARITH_PREC[node.op]
    left = _wrap(_value(node.left), _prec(node.left), prec)
    right = _wrap(_value(node.right), _prec(node.right), prec + 1)
    return f"{left} {node.op} {right}"


def _cond_prec(node: Condition) -> int:
    if isinstance(node, Or):
        return 1
    if isinstance(node, And):
        return 2
    if isinstance(node, Not):
        return 3
    return 4


def _cond(node: Condition) -> str:
    if isinstance(node, Or | And):
        prec = _cond_prec(node)
        joiner = " or " if isinstance(node, Or) else " and "
        return joiner.join(_wrap(_cond(i), _cond_prec(i), prec + 1) for i in node.items)
    if isinstance(node, Not):
        return "not " + _wrap(_cond(node.operand), _cond_prec(node.operand), 3)
    if isinstance(node, Truth):
        return _value(node.operand)
    if isinstance(node, Compare):
        return f"{_value(node.left)} {node.op} {_value(node.right)}"
    neg = "not " if node.negated else ""
    if isinstance(node, InList):
        items = ", ".join(_literal(i) for i in node.items)
        return f"{_value(node.operand)} {neg}in ({items})"
    if isinstance(node, Between):
        low, high = _value(node.low), _value(node.high)
        return f"{_value(node.operand)} {neg}between {low} and {high}"
    assert isinstance(node, IsNull)
    return f"{_value(node.operand)} is {neg}null"
