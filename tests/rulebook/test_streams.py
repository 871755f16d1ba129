"""The streams section: names, field types and constraints, time/actor/key roles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agilegov.errors import Problem
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import FieldSpec

HEAD = """\
domain: d
version: 1
effective_from: 2026-04-01
goals:
  - {id: g, title: G, measure: count(s), target: ">= 0", window: 1d}
streams:
  s:
    time: t
    actor: who
    fields:
      t: timestamp
      who: string
"""


def with_fields(*lines: str) -> str:
    return HEAD + "".join(f"      {x}\n" for x in lines)


def test_field_forms_and_defaults() -> None:
    rb = load_rulebook_text(with_fields(
        "n: {type: int, min: -5, max: 5, values: [1, 2, 3]}",
        "ok: {type: bool, required: true}",
        "kind: {type: string, values: [a, 'b c']}",
        "x: {type: float, values: [1, 2.5]}",
        "who2: {type: string, personal: true, required: false}",
    ))
    fields = rb.streams["s"].fields
    assert fields["t"] == FieldSpec("t", "timestamp", required=True)
    assert fields["who"] == FieldSpec("who", "string", required=True)
    assert fields["n"] == FieldSpec("n", "int", min=-5.0, max=5.0, values=(1, 2, 3))
    assert fields["ok"] == FieldSpec("ok", "bool", required=True)
    assert fields["kind"].values == ("a", "b c")
    assert fields["x"].values == (1.0, 2.5)
    assert fields["who2"] == FieldSpec("who2", "string", personal=True)


def test_time_field_may_be_declared_as_a_mapping_and_stays_required() -> None:
    text = HEAD.replace("t: timestamp", "t: {type: timestamp}")
    assert load_rulebook_text(text).streams["s"].fields["t"].required is True


@pytest.mark.parametrize(
    ("field_line", "column", "pointer", "expected"),
    [
        ("n: integer", 10, "/streams/s/fields/n", "expected a type, one of"),
        ("n: {type: flaot}", 17, "/streams/s/fields/n/type", "did you mean 'float'?"),
        ("n: {min: 1}", 10, "/streams/s/fields/n", "missing required key 'type'"),
        ("n: {type: int, maximum: 3}", 22, "/streams/s/fields/n/maximum",
         "did you mean 'max'?"),
        ("n: {type: string, min: 1}", 25, "/streams/s/fields/n/min",
         "only allowed on int and float fields"),
        ("n: {type: int, min: low}", 27, "/streams/s/fields/n/min", "expected a number"),
        ("n: {type: int, min: 3, max: 1}", 35, "/streams/s/fields/n/max",
         "smaller than min"),
        ("n: {type: int, values: [1, 2.5]}", 34, "/streams/s/fields/n/values/1",
         "whole number"),
        ("n: {type: string, values: [a, 3]}", 37, "/streams/s/fields/n/values/1",
         "put it in quotes"),
        ("n: {type: bool, values: [yes]}", 32, "/streams/s/fields/n/values/0",
         "true or false"),
        ("n: {type: int, values: []}", 30, "/streams/s/fields/n/values",
         "at least one allowed value"),
        ("n: {type: timestamp, values: [1]}", 36, "/streams/s/fields/n/values",
         "not available for timestamp"),
        ("n: {type: int, values: 3}", 30, "/streams/s/fields/n/values", "expected a list"),
        ("n: {type: int, personal: maybe}", 32, "/streams/s/fields/n/personal",
         "true or false"),
        ("Speed: float", 7, "/streams/s/fields/Speed", "not a valid name"),
        ("where: float", 7, "/streams/s/fields/where", "word of the measure language"),
    ],
)
def test_field_problems(one_problem: Callable[[str], Problem], field_line: str, column: int,
                        pointer: str, expected: str) -> None:
    p = one_problem(with_fields(field_line))
    assert (p.line, p.column, p.pointer) == (13, column, pointer)
    assert expected in p.message
    assert p.message.startswith("stream 's'")


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "expected"),
    [
        ("time: t", "time: who", 8, 11, "time must name a timestamp field, but 'who' is "
         "declared as string"),
        ("actor: who", "actor: t", 9, 12, "actor must name a string field"),
        ("time: t", "time: tt", 8, 11, "'tt', which is not declared under fields "
         "(did you mean 't'?)"),
        ("    actor: who\n", "    actor: who\n    key: id\n", 10, 10, "key names the field 'id'"),
        ("    actor: who\n", "", 8, 5, "missing required key 'actor'"),
        ("    actor: who\n", "    actor: who\n    keys: t\n", 10, 5, "did you mean 'key'?"),
        ("    fields:\n      t: timestamp\n      who: string\n", "    fields: {}\n", 10, 13,
         "at least one field"),
    ],
)
def test_role_problems(one_problem: Callable[[str], Problem], old: str, new: str, line: int,
                       column: int, expected: str) -> None:
    p = one_problem(HEAD.replace(old, new))
    assert (p.line, p.column) == (line, column)
    assert expected in p.message


def test_streams_must_be_a_non_empty_mapping(one_problem: Callable[[str], Problem]) -> None:
    text = HEAD.split("streams:")[0] + "streams: {}\n"
    p = one_problem(text)
    assert (p.line, p.column, p.pointer) == (6, 10, "/streams")
    assert "at least one stream" in p.message
    p = one_problem(HEAD.split("streams:")[0] + "streams: [s]\n")
    assert "expected a mapping" in p.message and "got a list" in p.message


@pytest.mark.parametrize(
    "name",
    ["Trips", "trips-2", "1trips", "x; drop table y", "a'b", "\"q\"", "count", "null",
     "__import__('os')"],
)
def test_stream_names_are_identifiers(problems_of: Callable[[str], list[Problem]],
                                      name: str) -> None:
    quoted = "'" + name.replace("'", "''") + "'"
    problems = problems_of(HEAD.replace("  s:\n", f"  {quoted}:\n"))
    first = problems[0]
    assert (first.line, first.column) == (7, 3)
    assert "stream name" in first.message
    assert "not a valid name" in first.message or "word of the measure language" in \
        first.message


@pytest.mark.parametrize("name", ["a b", "x\"); DROP TABLE t; --", "café", "É"])
def test_field_names_with_quotes_or_odd_characters_are_refused(
        one_problem: Callable[[str], Problem], name: str) -> None:
    quoted = "'" + name.replace("'", "''") + "'"
    p = one_problem(with_fields(f"{quoted}: string"))
    assert (p.line, p.column) == (13, 7)
    assert "expected lower-case letters, digits and '_'" in p.message


def test_several_field_problems_at_once(problems_of: Callable[[str], list[Problem]]) -> None:
    problems = problems_of(with_fields("a: text", "b: {type: int, min: x}", "c: {typ: int}"))
    assert [(p.line, p.pointer) for p in problems] == [
        (13, "/streams/s/fields/a"),
        (14, "/streams/s/fields/b/min"),
        (15, "/streams/s/fields/c"),
        (15, "/streams/s/fields/c/typ"),
    ]
