"""Shared fixtures: a fresh workspace ledger with a few entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from agilegov.ledger.entry import Entry
from agilegov.ledger.store import Ledger

ORIGIN = "gov.example/ledger"
AT = dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)


def entries(n: int, start: int = 0) -> list[Entry]:
    return [Entry("events.received", AT, "robots", {"batch": i, "count": i * 3})
            for i in range(start, start + n)]


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        yield led
