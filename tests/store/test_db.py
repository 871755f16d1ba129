"""The database layer: migrations match the models, SQLite settings, URLs, other processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

import agilegov.store.migrations
from agilegov.errors import UsageError
from agilegov.store.db import alembic_config, make_engine, normalize_url, upgrade
from agilegov.store.models import Base
from agilegov.store.state import StateStore


def test_the_migrations_create_exactly_the_models_tables(state: StateStore) -> None:
    with state.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    tables = set(inspect(state.engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_upgrading_twice_is_a_no_op_at_head(state: StateStore) -> None:
    upgrade(state.engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with state.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    versions = Path(agilegov.store.migrations.__file__).parent / "versions"
    assert head == max(p.name[:4] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'deep' / 'er' / 'state.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert (tmp_path / "deep" / "er").is_dir()
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(state: StateStore) -> None:
    with pytest.raises(IntegrityError), state.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO tokens (account_id, label, hash, hint, created_at) "
            "VALUES (12345, '', 'h', 'agt_', 'now')"
        )


def test_postgresql_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u:pw@h:5/db") == "postgresql+psycopg://u:pw@h:5/db"
    assert normalize_url("postgres://h/db") == "postgresql+psycopg://h/db"
    assert normalize_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


_WRITER = """
import sys
from agilegov.store.state import StateStore
store = StateStore(sys.argv[1])
for i in range(25):
    account = store.create_account(f"{sys.argv[2]}-{i}", "community")
    store.create_token(account.id)
store.close()
"""


def test_two_processes_write_the_same_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    StateStore(url).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, url, name], stderr=subprocess.PIPE)
        for name in ("p", "q")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    store = StateStore(url)
    try:
        assert len(store.accounts()) == 50
    finally:
        store.close()


def test_a_bad_or_unreachable_database_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"database URL 'nonsense': expected e\.g\. sqlite"):
        StateStore("nonsense")
    with pytest.raises(
        UsageError,
        match=r"cannot open the state database postgresql\+psycopg://"
        r"u:\*\*\*@127.0.0.1:1/db",
    ):
        StateStore("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2")
