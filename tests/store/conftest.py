"""The governance state under test: the same tests run on SQLite and on PostgreSQL.

PostgreSQL is read from AGILEGOV_TEST_DATABASE_URL (default: the local `test` database);
every test gets its own schema (`t_<random>`, dropped afterwards), so test processes running
at once never see each other's tables. An unreachable PostgreSQL fails the test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from agilegov.store.state import StateStore

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("AGILEGOV_TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped after the test."""
    base = pg_base_url()
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        ci = " (CI=true: PostgreSQL is required)" if os.environ.get("CI") == "true" else ""
        pytest.fail(f"PostgreSQL at {base} is not reachable{ci}: {exc}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
