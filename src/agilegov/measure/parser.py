"""Parse measures, conditions and min_evidence comparisons into the syntax tree.

Columns are 1-based character offsets within the text given (for the usual
one-line text, the column on that line). Every error is a `MeasureError` with
one `Problem` that carries that column and says, in plain words, what was
expected there.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import TypeVar

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from agilegov.errors import MeasureError, Problem
from agilegov.measure.ast import (
    AggFunc,
    Aggregate,
    And,
    ArithOp,
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
    Or,
    Truth,
    Value,
    ValueBinOp,
    ValueNeg,
)
from agilegov.measure.syntax_errors import describe_unexpected
from agilegov.rulebook.durations import parse_duration

AGGREGATES: tuple[AggFunc, ...] = ("count", "count_distinct", "sum", "avg", "min", "max")
KEYWORDS = ("where", "and", "or", "not", "in", "between", "is", "null", "true", "false")
_MAX_BIGINT = 2**63 - 1

_T = TypeVar("_T")


@cache
def _lark() -> Lark:
    text = resources.files("agilegov.measure").joinpath("grammar.lark").read_text("utf-8")
    return Lark(
        text,
        parser="lalr",
        lexer="basic",
        start=["measure", "comparison", "condition"],
        maybe_placeholders=False,
    )


def parse_measure(text: str) -> Expr:
    """Parse a goal's `measure`."""
    tree = _parse(text, "measure")
    return _expr(tree.children[0])


def parse_comparison(text: str) -> Comparison:
    """Parse `expr CMP expr`, the form of `min_evidence`."""
    tree = _parse(text, "comparison")
    left, op, right = tree.children
    assert isinstance(op, Token)
    lhs = _expr(left)
    return Comparison(_cmp_op(op), lhs, _expr(right), col=_col_of(lhs))


def parse_condition(text: str) -> Condition:
    """Parse a condition, as written after `where`."""
    tree = _parse(text, "condition")
    return _as_condition(_condition(tree))


# ---- driving Lark ------------------------------------------------------------------


def _fail(message: str, col: int) -> MeasureError:
    return MeasureError([Problem(message, column=col)])


def _parse(text: str, start: str) -> Tree[Token]:
    if not isinstance(text, str):
        raise _fail(f"expected the {start} as text, got {type(text).__name__}", 1)
    try:
        return _lark().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _translate(exc, text, start) from None


def _translate(exc: UnexpectedInput, text: str, start: str) -> MeasureError:
    if isinstance(exc, UnexpectedCharacters):
        col = (exc.pos_in_stream or 0) + 1
        return _fail(describe_unexpected(text, col, None, set(exc.allowed or ()), start), col)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        at_end = token.type == "$END"
        col = len(text) + 1 if at_end else (token.start_pos or 0) + 1
        got = None if at_end else token
        return _fail(describe_unexpected(text, col, got, set(exc.expected), start), col)
    if isinstance(exc, UnexpectedEOF):
        col = len(text) + 1
        return _fail(describe_unexpected(text, col, None, set(exc.expected), start), col)
    return _fail(f"could not read the {start}", 1)  # pragma: no cover - defensive


# ---- building the syntax tree ------------------------------------------------------


def _tok(node: Tree[Token] | Token) -> Token:
    assert isinstance(node, Token)
    return node


def _tree(node: Tree[Token] | Token) -> Tree[Token]:
    assert isinstance(node, Tree)
    return node


def _col(token: Token) -> int:
    return (token.start_pos or 0) + 1


def _col_of(node: Expr | Value | Condition) -> int:
    return node.col


def _cmp_op(token: Token) -> CmpOp:
    op: CmpOp = token.value
    return op


def _arith_op(token: Token) -> ArithOp:
    op: ArithOp = token.value
    return op


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


def _float(token: Token) -> float:
    value = float(token.value)
    if not math.isfinite(value):
        raise _fail(f"the number {_short(token.value)} is too large", _col(token))
    return value


def _expr(node: Tree[Token] | Token) -> Expr:
    tree = _tree(node)
    kind = tree.data
    ch = tree.children
    if kind == "number":
        tok = _tok(ch[0])
        return Number(_float(tok), col=_col(tok))
    if kind == "paren":
        return _expr(ch[1])
    if kind == "neg":
        return Neg(_expr(ch[1]), col=_col(_tok(ch[0])))
    if kind == "binop":
        left = _expr(ch[0])
        return BinOp(_arith_op(_tok(ch[1])), left, _expr(ch[2]), col=left.col)
    if kind == "aggregate":
        return _aggregate(tree)
    raise AssertionError(f"unexpected measure node {kind}")  # pragma: no cover


def _aggregate(tree: Tree[Token]) -> Aggregate:
    name = _tok(tree.children[0])
    func = name.value
    if func not in AGGREGATES:
        hint = " (keywords and aggregate names are lower case)" if func.lower() != func else ""
        raise _fail(
            f"unknown aggregate '{func}'{hint}; expected one of " + ", ".join(AGGREGATES),
            _col(name),
        )
    ref = _tree(tree.children[2]).children
    stream = _tok(ref[0]).value
    fld = _tok(ref[2]).value if len(ref) == 3 else None
    where: Condition | None = None
    if len(tree.children) == 6:
        where = _as_condition(_condition(tree.children[4]))
    agg: AggFunc = func
    return Aggregate(agg, stream, fld, where, col=_col(name))


_VALUE_TYPES = (FieldRef, Literal_, ValueNeg, ValueBinOp)


def _as_condition(node: Value | Condition) -> Condition:
    """A bare value used as a predicate becomes `Truth`."""
    if isinstance(node, _VALUE_TYPES):
        return Truth(node, col=node.col)
    return node


def _as_value(node: Value | Condition) -> Value:
    if isinstance(node, _VALUE_TYPES):
        return node
    raise _fail(
        "expected a value (a field, a literal or arithmetic on them), got a condition", node.col
    )


def _condition(node: Tree[Token] | Token) -> Value | Condition:
    """Build a condition; a part that is only a value is returned as that value."""
    tree = _tree(node)
    kind = tree.data
    ch = tree.children
    if kind in ("condition", "disjunct"):
        items = [_condition(c) for c in ch if isinstance(c, Tree)]
        if len(items) == 1:
            return items[0]
        conds = tuple(_as_condition(i) for i in items)
        return Or(conds, col=conds[0].col) if kind == "condition" else And(conds, col=conds[0].col)
    if kind == "not_":
        return Not(_as_condition(_condition(ch[1])), col=_col(_tok(ch[0])))
    if kind == "bare":
        return _operand(ch[0])
    if kind == "compare":
        left = _value(ch[0])
        return Compare(_cmp_op(_tok(ch[1])), left, _value(ch[2]), col=left.col)
    negated = any(isinstance(c, Token) and c.type == "NOT" for c in ch)
    if kind == "in_list":
        operand = _value(ch[0])
        literals = tuple(_item(_tree(c)) for c in ch if isinstance(c, Tree) and c.data == "item")
        return InList(operand, literals, negated, col=operand.col)
    if kind == "between":
        subtrees = [c for c in ch if not isinstance(c, Token)]
        operand, low, high = (_value(c) for c in subtrees)
        return Between(operand, low, high, negated, col=operand.col)
    if kind == "is_null":
        operand = _value(ch[0])
        return IsNull(operand, negated, col=operand.col)
    return _operand(tree)


def _operand(node: Tree[Token] | Token) -> Value | Condition:
    """An operand of a predicate: a value, or a parenthesised condition."""
    if isinstance(node, Token):
        return _literal_token(node)
    kind = node.data
    ch = node.children
    if kind == "group":
        return _condition(ch[1])
    if kind == "field":
        tok = _tok(ch[0])
        return FieldRef(tok.value, col=_col(tok))
    if kind == "literal":
        return _literal_token(_tok(ch[0]))
    if kind == "vneg":
        return ValueNeg(_value(ch[1]), col=_col(_tok(ch[0])))
    if kind == "vbinop":
        left = _value(ch[0])
        return ValueBinOp(_arith_op(_tok(ch[1])), left, _value(ch[2]), col=left.col)
    return _condition(node)


def _value(node: Tree[Token] | Token) -> Value:
    return _as_value(_operand(node))


def _literal_token(tok: Token) -> Literal_:
    col = _col(tok)
    if tok.type == "NUMBER":
        if "." in tok.value:
            return Literal_(_float(tok), col=col)
        number = int(tok.value)
        if number > _MAX_BIGINT:
            raise _fail(f"the number {_short(tok.value)} is too large for a whole number", col)
        return Literal_(number, col=col)
    if tok.type == "STRING":
        return Literal_(tok.value[1:-1].replace("''", "'"), col=col)
    if tok.type == "DURATION":
        return Literal_(parse_duration(tok.value), col=col)
    if tok.type in ("TRUE", "FALSE"):
        return Literal_(tok.type == "TRUE", col=col)
    raise AssertionError(f"unexpected literal token {tok.type}")  # pragma: no cover


def _item(tree: Tree[Token]) -> Literal_:
    ch = tree.children
    if len(ch) == 2:  # MINUS NUMBER: a negative number in a list
        minus = _tok(ch[0])
        lit = _literal_token(_tok(ch[1]))
        assert isinstance(lit.value, int | float)
        return Literal_(-lit.value, col=_col(minus))
    return _literal_token(_tok(_tree(ch[0]).children[0]))
