"""The API under test: a real workspace in tmp_path, the real stores, tokens for every role.

`api` runs on SQLite; `api_any_db` runs once on SQLite and once on PostgreSQL (a fresh
schema per test, dropped afterwards: AGILEGOV_TEST_DATABASE_URL, default the local `test`
database). An unreachable PostgreSQL fails the test, it is never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.helpers import Api, open_api


@pytest.fixture
def pg_url(pg_schema_url: str) -> str:
    """A PostgreSQL URL on a fresh schema (see tests/conftest.py)."""
    return pg_schema_url


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from open_api(tmp_path / "ws", f"sqlite:///{tmp_path / 'ws' / 'state.sqlite'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def api_any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ws' / 'state.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    yield from open_api(tmp_path / "ws", url)
