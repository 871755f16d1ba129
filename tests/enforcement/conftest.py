"""Enforcement under test: the live API on a workspace with a domain whose rulebook has a
ladder (notice, corrective plan due in 5 days, suspension), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.conftest import pg_url  # noqa: F401  (the PostgreSQL fixture)
from tests.api.helpers import Api, open_api
from tests.enforcement.ladder import LADDER

from agilegov.workspace import Workspace


def _open(workspace: Path, url: str) -> Iterator[Api]:
    Workspace(workspace).add_domain(LADDER)
    yield from open_api(workspace, url)


@pytest.fixture
def ladder_api(tmp_path: Path) -> Iterator[Api]:
    yield from _open(tmp_path / "ws", f"sqlite:///{tmp_path / 'ws' / 'state.sqlite'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def ladder_api_any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ws' / 'state.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    yield from _open(tmp_path / "ws", url)
