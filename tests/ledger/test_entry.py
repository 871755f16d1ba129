"""Entries: canonical JSON (RFC 8785) with kind, at, domain and body."""

from __future__ import annotations

import datetime as dt

import pytest

from agilegov.ledger.entry import (
    MAX_ENTRY_BYTES,
    Entry,
    canonical_json,
    format_instant,
    parse_entry,
)
from agilegov.ledger.errors import LedgerError

AT = dt.datetime(2026, 4, 1, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def test_an_entry_is_canonical_json_with_sorted_members() -> None:
    entry = Entry("vote.cast", AT, "robots", {"z": 1, "a": [1.0, "é"]}, {"proposal": "p1"})
    assert entry.canonical() == (
        '{"at":"2026-04-01T09:30:00Z","body":{"a":[1,"é"],"z":1},"domain":"robots",'
        '"kind":"vote.cast","proposal":"p1"}'
    ).encode()
    assert parse_entry(entry.canonical())["proposal"] == "p1"


def test_instants_are_written_in_utc() -> None:
    assert format_instant(AT) == "2026-04-01T09:30:00Z"
    assert format_instant(AT.replace(microsecond=5)) == "2026-04-01T09:30:00.000005Z"
    with pytest.raises(LedgerError, match="aware datetime"):
        format_instant(dt.datetime(2026, 1, 1))


def test_missing_and_wrong_members_are_named() -> None:
    with pytest.raises(LedgerError) as info:
        canonical_json({"kind": "", "at": "yesterday", "body": []})
    text = str(info.value)
    assert "at /domain: missing required member 'domain'" in text
    assert "at /kind: expected a non-empty string" in text
    assert "at /body: expected an object" in text
    assert "at /at: expected an ISO 8601 instant" in text
    with pytest.raises(LedgerError, match="may not redefine kind"):
        Entry("k", AT, "d", {}, {"kind": "x"}).canonical()


def test_entries_too_large_for_a_bundle_are_refused() -> None:
    with pytest.raises(LedgerError, match=f"at most {MAX_ENTRY_BYTES}"):
        Entry("k", AT, "d", {"blob": "x" * MAX_ENTRY_BYTES}).canonical()


def test_values_json_cannot_hold_canonically_are_refused() -> None:
    with pytest.raises(LedgerError, match="canonical JSON"):
        Entry("k", AT, "d", {"x": float("nan")}).canonical()


def test_parsing_refuses_non_canonical_bytes_and_names_the_entry() -> None:
    good = Entry("k", AT, "d", {"a": 1}).canonical()
    assert parse_entry(good, 3)["kind"] == "k"
    with pytest.raises(LedgerError, match="entry 3: the bytes are not RFC 8785"):
        parse_entry(good.replace(b'{"at"', b'{ "at"'), 3)
    with pytest.raises(LedgerError, match="entry 4: not JSON"):
        parse_entry(b"{", 4)
    with pytest.raises(LedgerError, match="entry 5: expected a JSON object"):
        parse_entry(b"[]", 5)
    with pytest.raises(LedgerError, match="entry 6: missing required member 'body'"):
        parse_entry(b'{"at":"2026-01-01T00:00:00Z","domain":"d","kind":"k"}', 6)
