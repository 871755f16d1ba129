"""The API fixtures (SQLite, and SQLite plus PostgreSQL) shared with the API tests."""

from tests.api.conftest import api, api_any_db, pg_url

__all__ = ["api", "api_any_db", "pg_url"]
