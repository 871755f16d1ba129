"""Suite-wide settings and fixtures.

- Hypothesis never judges by time (speed is measured in bench/, not asserted in tests).
- `pg_schema_url`: PostgreSQL for every test that runs on both databases.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

settings.register_profile(
    "agilegov",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("agilegov")

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("AGILEGOV_TEST_DATABASE_URL", DEFAULT_PG)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test.

    Test processes running at once never see each other's tables. An unreachable
    PostgreSQL fails the test (it is never skipped).
    """
    base = pg_base_url()
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
