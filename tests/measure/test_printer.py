"""The printer: random trees print to text that parses back to the same tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agilegov.measure import ast
from agilegov.measure.parser import KEYWORDS, parse_comparison, parse_condition, parse_measure
from agilegov.measure.printer import number_text, to_text
from agilegov.rulebook.durations import Duration

names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(lambda n: n not in KEYWORDS)
naturals = st.integers(min_value=0, max_value=2**63 - 1)
fractions = st.floats(min_value=0, allow_nan=False, allow_infinity=False)
durations = st.builds(
    Duration, st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["s", "m", "h", "d", "w", "mo", "y"]),
)
literal_values = st.one_of(naturals, fractions, st.text(), durations, st.booleans())
literals = st.builds(ast.Literal_, literal_values)
list_items = st.one_of(
    literals, st.builds(ast.Literal_, st.integers(max_value=-1, min_value=-(2**63 - 1))),
    st.builds(ast.Literal_, st.floats(max_value=-1e-300, allow_infinity=False)),
)
arith_ops = st.sampled_from(["+", "-", "*", "/"])
cmp_ops = st.sampled_from(["=", "==", "!=", "<", "<=", ">", ">="])

values = st.recursive(
    st.one_of(st.builds(ast.FieldRef, names), literals),
    lambda inner: st.one_of(
        st.builds(ast.ValueNeg, inner),
        st.builds(ast.ValueBinOp, arith_ops, inner, inner),
    ),
    max_leaves=6,
)


def _joined(
    cls: type[ast.And] | type[ast.Or], inner: st.SearchStrategy[ast.Condition]
) -> st.SearchStrategy[ast.Condition]:
    return st.builds(cls, st.lists(inner, min_size=2, max_size=3).map(tuple))


predicates = st.one_of(
    st.builds(ast.Compare, cmp_ops, values, values),
    st.builds(ast.InList, values, st.lists(list_items, min_size=1, max_size=3).map(tuple),
              st.booleans()),
    st.builds(ast.Between, values, values, values, st.booleans()),
    st.builds(ast.IsNull, values, st.booleans()),
    st.builds(ast.Truth, values),
)
conditions = st.recursive(
    predicates,
    lambda inner: st.one_of(
        st.builds(ast.Not, inner), _joined(ast.And, inner), _joined(ast.Or, inner)
    ),
    max_leaves=6,
)
aggregates = st.builds(
    ast.Aggregate,
    st.sampled_from(["count", "sum", "avg", "min", "max", "count_distinct"]),
    names, st.none() | names, st.none() | conditions,
)
exprs = st.recursive(
    st.one_of(st.builds(ast.Number, fractions), aggregates),
    lambda inner: st.one_of(
        st.builds(ast.Neg, inner), st.builds(ast.BinOp, arith_ops, inner, inner)
    ),
    max_leaves=5,
)


@settings(max_examples=200, deadline=None)
@given(exprs)
def test_measures_round_trip(expr: ast.Expr) -> None:
    text = to_text(expr)
    parsed = parse_measure(text)
    assert parsed == expr
    assert to_text(parsed) == text


@settings(max_examples=200, deadline=None)
@given(conditions)
def test_conditions_round_trip(cond: ast.Condition) -> None:
    text = to_text(cond)
    parsed = parse_condition(text)
    assert parsed == cond
    assert to_text(parsed) == text


@given(st.builds(ast.Comparison, cmp_ops, exprs, exprs))
def test_comparisons_round_trip(cmp: ast.Comparison) -> None:
    assert parse_comparison(to_text(cmp)) == cmp


def test_canonical_text_has_the_fewest_parentheses() -> None:
    assert to_text(parse_measure("((1)) - (2 - 3) * (4 / (5))")) == "1 - (2 - 3) * (4 / 5)"
    assert to_text(parse_measure("(-(1)) + -(2 * 3)")) == "-1 + -(2 * 3)"
    assert to_text(parse_condition("(a or b) and not (c and d) or (e = 'it''s')")) == (
        "(a or b) and not (c and d) or e = 'it''s'"
    )
    assert to_text(parse_condition("x  not  in (-1, 2.50, 3d, true)")) == (
        "x not in (-1, 2.5, 3d, true)"
    )
    assert to_text(parse_condition("r is not null")) == "r is not null"
    assert to_text(parse_condition("d not between 1h - 1m and 2mo")) == (
        "d not between 1h - 1m and 2mo"
    )


def test_number_text_never_uses_an_exponent() -> None:
    assert number_text(1e20) == "100000000000000000000"
    assert number_text(1e-5) == "0.00001"
    assert number_text(-2.5) == "-2.5"
    assert float(number_text(0.1 + 0.2)) == 0.1 + 0.2
