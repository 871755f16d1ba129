"""The governance state under test: the same tests run on SQLite and on PostgreSQL.

PostgreSQL is read from AGILEGOV_TEST_DATABASE_URL (default: the local `test` database);
every test gets its own schema (`t_<random>`, dropped afterwards), so test processes running
at once never see each other's tables. An unreachable PostgreSQL fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agilegov.store.state import StateStore


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def state(state_url: str) -> Iterator[StateStore]:
    store = StateStore(state_url)
    try:
        yield store
    finally:
        store.close()
