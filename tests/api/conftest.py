"""The API under test: a real workspace in tmp_path, the real stores, tokens for every role.

`api` runs on SQLite; `api_any_db` runs once on SQLite and once on PostgreSQL (a fresh
schema per test, dropped afterwards: AGILEGOV_TEST_DATABASE_URL, default the local `test`
database). An unreachable PostgreSQL fails the test, it is never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tests.api.helpers import DEFAULT_PG, Api, open_api


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    base = os.environ.get("AGILEGOV_TEST_DATABASE_URL", DEFAULT_PG)
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
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
