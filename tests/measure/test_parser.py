"""The measure parser: trees and columns from the case files, and errors in plain words."""

from __future__ import annotations

from typing import Any

import pytest

from agilegov.errors import MeasureError, RulebookError
from agilegov.measure import ast
from agilegov.measure.parser import parse_comparison, parse_condition, parse_measure

from .casefile import build, columns, load_cases

PARSERS = {"measure": parse_measure, "comparison": parse_comparison, "condition": parse_condition}


def _text_and_parser(case: dict[str, Any]) -> tuple[str, Any]:
    for kind, parse in PARSERS.items():
        if kind in case:
            return case[kind], parse
    raise AssertionError(f"case without text: {case}")


PARSE_CASES = load_cases("parse.yaml")
ERROR_CASES = load_cases("errors.yaml")


@pytest.mark.parametrize("case", PARSE_CASES, ids=[_text_and_parser(c)[0] for c in PARSE_CASES])
def test_parses_to_the_expected_tree(case: dict[str, Any]) -> None:
    text, parse = _text_and_parser(case)
    tree = parse(text)
    assert tree == build(case["tree"])
    if "cols" in case:
        assert columns(tree) == case["cols"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[_text_and_parser(c)[0] for c in ERROR_CASES])
def test_rejects_with_column_and_plain_words(case: dict[str, Any]) -> None:
    text, parse = _text_and_parser(case)
    with pytest.raises(MeasureError) as info:
        parse(text)
    (problem,) = info.value.problems
    assert problem.column == case["column"]
    for words in case["contains"]:
        assert words in problem.message
    assert "Token(" not in problem.message and "$END" not in problem.message


def test_measure_error_is_a_rulebook_error() -> None:
    with pytest.raises(RulebookError):
        parse_measure("count(")


def test_numbers_in_measures_are_floats_and_in_conditions_keep_their_kind() -> None:
    measure = parse_measure("2 * count(t where a = 2 or b = 2.0)")
    assert isinstance(measure, ast.BinOp) and isinstance(measure.left, ast.Number)
    assert type(measure.left.value) is float
    agg = measure.right
    assert isinstance(agg, ast.Aggregate) and isinstance(agg.where, ast.Or)
    first, second = agg.where.items
    assert isinstance(first, ast.Compare) and isinstance(second, ast.Compare)
    assert isinstance(first.right, ast.Literal_) and type(first.right.value) is int
    assert isinstance(second.right, ast.Literal_) and type(second.right.value) is float


def test_keywords_are_not_identifiers() -> None:
    for word in ("where", "and", "or", "not", "in", "between", "is", "null"):
        with pytest.raises(MeasureError):
            parse_condition(f"{word} = 1")


def test_keyword_prefixes_are_identifiers() -> None:
    cond = parse_condition("android and notes or island = nullable")
    assert cond == ast.Or((
        ast.And((
            ast.Truth(ast.FieldRef("android")),
            ast.Truth(ast.FieldRef("notes")),
        )),
        ast.Compare("=", ast.FieldRef("island"), ast.FieldRef("nullable")),
    ))


def test_aggregate_names_may_name_streams_and_fields() -> None:
    assert parse_measure("count(count where sum > 1)") == ast.Aggregate(
        "count", "count", None, ast.Compare(">", ast.FieldRef("sum"), ast.Literal_(1))
    )


def test_multiline_text_columns_are_offsets_in_the_text() -> None:
    with pytest.raises(MeasureError) as info:
        parse_measure("count(trips)\n  / ")
    assert info.value.problems[0].column == len("count(trips)\n  / ") + 1


def test_non_text_is_rejected_clearly() -> None:
    with pytest.raises(MeasureError, match="expected the measure as text"):
        parse_measure(42)  # type: ignore[arg-type]
