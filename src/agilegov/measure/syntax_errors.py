"""Plain-words descriptions of syntax errors in the measure language."""

from __future__ import annotations

import re

from lark import Token

_WORDS: dict[str, str] = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a 'string'",
    "DURATION": "a duration such as 24h",
    "TRUE": "true",
    "FALSE": "false",
    "CMP": "a comparison (=, ==, !=, <, <=, >, >=)",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "LPAR": "'('",
    "RPAR": "')'",
    "DOT": "'.'",
    "COMMA": "','",
    "WHERE": "'where'",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "IN": "'in'",
    "BETWEEN": "'between'",
    "IS": "'is'",
    "NULL": "'null'",
    "$END": "the end of the text",
}
_ORDER = list(_WORDS)

_MEASURE_START = "an aggregate such as count(stream) or sum(stream.field), a number, '(' or '-'"
_VALUE_START = "a value: a field name, a number, a 'string', a duration, true, false, '(' or '-'"
_CONDITION_START = "a condition such as severity >= 2 (a field, a literal, 'not' or '(')"
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOWER_WORDS = {
    "where", "and", "or", "not", "in", "between", "is", "null", "true", "false",
    "count", "count_distinct", "sum", "avg", "min", "max",
}


def _got(text: str, col: int, token: Token | None) -> str:
    if token is None:
        return "the end of the text" if col > len(text) else f"'{text[col - 1]}'"
    if token.type == "STRING":
        return f"the string {token.value}"
    if token.type == "DURATION":
        return f"the duration {token.value}"
    return f"'{token.value}'"


def _expected(expected: set[str]) -> str:
    exp = {e for e in expected if not e.startswith("__")}
    if {"NUMBER", "NAME", "LPAR", "MINUS"} <= exp:
        if "STRING" not in exp:
            return _MEASURE_START
        return _CONDITION_START if "NOT" in exp else _VALUE_START
    if "CMP" in exp and {"AND", "OR"} <= exp:
        return "a comparison, 'and', 'or', 'in', 'between', 'is', an operator or ')'"
    words = [_WORDS.get(e, e) for e in sorted(exp, key=lambda e: _ORDER.index(e)
                                                if e in _ORDER else len(_ORDER))]
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def describe_unexpected(
    text: str, col: int, token: Token | None, expected: set[str], start: str
) -> str:
    """Say what was expected at `col` and what was found instead."""
    if token is None and col <= len(text):
        word = _WORD.match(text, col - 1)
        if word and word.group(0).lower() in _LOWER_WORDS:
            return f"keywords are lower case: write '{word.group(0).lower()}'"
        if word:
            return f"names are lower case letters, digits and '_': got '{word.group(0)}'"
        if text[col - 1] == "'":
            return "this string is not closed: a string ends with ' (write '' for a quote inside)"
        if text[col - 1] == '"':
            return "strings are written in single quotes, as 'text'"
        return f"unexpected character '{text[col - 1]}'; expected {_expected(expected)}"
    exp = set(expected)
    if start == "measure":
        exp.discard("CMP")
    wanted = _expected(exp)
    if exp == {"NAME"}:
        before = text[: col - 1].rstrip()
        if before.endswith("("):
            wanted = "a stream name"
        elif before.endswith("."):
            wanted = "a field name"
    message = f"expected {wanted}, got {_got(text, col, token)}"
    if token is not None and token.type in ("STRING", "DURATION", "TRUE", "FALSE") \
            and "STRING" not in exp and "NUMBER" in exp:
        message += " (strings, durations, booleans and fields belong inside 'where')"
    elif exp == {"LPAR"} and start != "condition":
        message += (
            " (a measure is made of aggregates such as count(trips) or sum(trips.km); "
            "fields belong inside them)"
        )
    elif token is not None and token.type == "CMP" and start == "measure":
        message += " (a measure is a number: its comparison belongs in the target)"
    elif token is not None and token.type == "NUMBER" and exp & _OPERATORS == set() \
            and "DOT" not in exp and token.value.isdigit() and "NAME" in exp:
        message += " (a name starts with a letter or '_')"
    return message
