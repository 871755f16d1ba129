"""Reading a rulebook's stream declarations for the simulators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agilegov.domains.catalog import DOMAINS, rulebook_path
from agilegov.domains.declared import read_declarations
from agilegov.errors import RulebookError
from agilegov.rulebook.loader import load_rulebook


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_declarations_agree_with_the_loaded_rulebook(name: str) -> None:
    decl = read_declarations(rulebook_path(name))
    rb = load_rulebook(rulebook_path(name))
    assert decl.domain == rb.domain
    assert decl.timezone == rb.timezone
    assert decl.effective_from == rb.effective_from
    assert list(decl.streams) == list(rb.streams)
    for s in rb.streams.values():
        d = decl.streams[s.name]
        assert (d.time, d.actor) == (s.time, s.actor)
        assert d.fields == {f.name: f.type for f in s.fields.values()}


def test_short_and_long_field_forms(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "domain: d\nversion: 1\neffective_from: 2026-01-05\n"
        "streams:\n  s:\n    time: t\n    actor: a\n"
        "    fields: {t: timestamp, a: string, n: {type: int, min: 0}}\n",
        encoding="utf-8")
    decl = read_declarations(path)
    assert decl.timezone == "UTC"
    assert decl.effective_from == dt.date(2026, 1, 5)
    assert decl.streams["s"].fields == {"t": "timestamp", "a": "string", "n": "int"}


def test_unknown_type_says_where_and_what_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "domain: d\nversion: 1\neffective_from: 2026-01-05\n"
        "streams:\n  s:\n    time: t\n    actor: a\n"
        "    fields: {t: timestamp, a: text}\n", encoding="utf-8")
    with pytest.raises(RulebookError, match=r"streams/s/fields/a: expected one of string"):
        read_declarations(path)


def test_missing_effective_date_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("domain: d\nstreams: {}\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="effective_from"):
        read_declarations(path)
