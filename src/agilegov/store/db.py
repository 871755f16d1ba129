"""The state database: engine and session factories, and migrations to head on open.

SQLite (the default, a file in the workspace) runs in WAL mode with foreign keys on; a
writing transaction starts with `BEGIN IMMEDIATE`, so concurrent writers (the server and a
`token create` in another process) wait for each other (busy timeout) instead of failing.
PostgreSQL is reached with psycopg 3 (`postgresql+psycopg://...`); a plain `postgresql://`
URL is taken to mean psycopg 3 too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from agilegov.errors import UsageError

MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"
WRITE_OPTION: Final = "agilegov_write"
BUSY_TIMEOUT_MS: Final = 30_000


def normalize_url(url: str) -> str:
    """The URL with its driver made explicit (psycopg 3 for PostgreSQL)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(
            f"database URL {url!r}: expected e.g. sqlite:///state.sqlite or "
            f"postgresql+psycopg://user@host/db"
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, its folder is created if missing."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred only).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def sessions(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(readers, writers): sessions for reading, and sessions that will write."""
    readers = sessionmaker(engine, expire_on_commit=False)
    writers = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return readers, writers


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest revision (a no-op when it is there)."""
    try:
        command.upgrade(alembic_config(engine), "head")
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise UsageError(f"cannot open the state database {where}: {exc.orig}") from exc
