"""Plain-words descriptions of syntax errors, independent of Lark's wording."""

from __future__ import annotations

from lark import Token

from agilegov.measure.syntax_errors import describe_unexpected


def test_measure_start_is_described_as_aggregates_and_numbers() -> None:
    message = describe_unexpected("", 1, None, {"NUMBER", "NAME", "LPAR", "MINUS"}, "measure")
    assert message == (
        "expected an aggregate such as count(stream) or sum(stream.field), a number, "
        "'(' or '-', got the end of the text"
    )


def test_other_expectations_are_listed_in_words() -> None:
    token = Token("NAME", "x", start_pos=8)
    message = describe_unexpected("count(t x", 9, token, {"RPAR", "DOT", "WHERE"}, "measure")
    assert message == "expected ')', '.' or 'where', got 'x'"


def test_comparisons_are_not_offered_inside_a_measure() -> None:
    token = Token("NAME", "y", start_pos=2)
    message = describe_unexpected("1 y", 3, token, {"CMP", "PLUS", "$END"}, "measure")
    assert message == "expected '+' or the end of the text, got 'y'"
    message = describe_unexpected("1 y", 3, token, {"CMP", "PLUS", "$END"}, "comparison")
    assert message.startswith("expected a comparison (=, ==, !=, <, <=, >, >=), '+' or")


def test_unexpected_characters() -> None:
    assert describe_unexpected("a # b", 3, None, {"CMP"}, "condition") == (
        "unexpected character '#'; expected a comparison (=, ==, !=, <, <=, >, >=)"
    )
    assert "lower case: write 'and'" in describe_unexpected("a AND b", 3, None, set(), "condition")
    assert "names are lower case" in describe_unexpected("Ab = 1", 1, None, set(), "condition")
