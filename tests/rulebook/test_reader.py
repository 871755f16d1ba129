"""Typed reading of positioned YAML values."""

from __future__ import annotations

import datetime as dt

import pytest

from agilegov.rulebook.durations import Duration
from agilegov.rulebook.reader import DocumentReader, parse_date, pointer
from agilegov.rulebook.yamlpos import YMap, compose


def value(text: str) -> tuple[DocumentReader, YMap]:
    root = compose(f"v: {text}\n", "x.yaml")
    assert isinstance(root, YMap)
    return DocumentReader("x.yaml", f"v: {text}\n"), root


def test_pointer_escapes_tokens() -> None:
    assert pointer("", "goals", 0, "id") == "/goals/0/id"
    assert pointer("/a", "b/c", "d~e") == "/a/b~1c/d~0e"


@pytest.mark.parametrize(("text", "expected"), [("2026-04-01", dt.date(2026, 4, 1)),
                                                 ("2026-4-1", None), ("2026-02-29", None),
                                                 ("x", None), (" 2024-02-29 ",
                                                               dt.date(2024, 2, 29))])
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1_000", 1000), ("0x10", 16), ("2.5", 2.5), ("-3", -3), ("1e3", 1000.0)],
)
def test_read_number(text: str, expected: float) -> None:
    reader, root = value(text)
    node = root.get("v")
    assert node is not None
    assert reader.read_number(node, "v", "/v") == expected
    assert reader.problems == []


@pytest.mark.parametrize("text", ["'3'", "three", "[3]", "true", ""])
def test_read_number_refuses(text: str) -> None:
    reader, root = value(text)
    node = root.get("v")
    assert node is not None
    assert reader.read_number(node, "v", "/v") is None
    (p,) = reader.problems
    assert (p.file, p.line, p.column, p.pointer) == ("x.yaml", 1, 4 if text else 1, "/v")
    assert "expected a number" in p.message


@pytest.mark.parametrize(("text", "ok"), [("True", True), ("false", False), ("yes", None),
                                          ("1", None)])
def test_read_bool_is_yaml_1_2(text: str, ok: bool | None) -> None:
    reader, root = value(text)
    node = root.get("v")
    assert node is not None
    assert reader.read_bool(node, "v", "/v") is ok
    assert bool(reader.problems) == (ok is None)


def test_read_duration() -> None:
    reader, root = value("3mo")
    node = root.get("v")
    assert node is not None
    assert reader.read_duration(node, "v", "/v") == Duration(3, "mo")


def test_read_text_accepts_numbers_as_written() -> None:
    reader, root = value("2.50")
    node = root.get("v")
    assert node is not None
    assert reader.read_text(node, "v", "/v") == "2.50"
