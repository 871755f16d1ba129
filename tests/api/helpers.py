"""Helpers of the API tests: a small rulebook, callers of every role, an API client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient
from httpx import Response

from agilegov.api.app import create_app
from agilegov.rulebook.durations import Duration
from agilegov.settings import Settings
from agilegov.workspace import Workspace

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

RULEBOOK = """\
domain: robots
title: Delivery robots on the sidewalks
timezone: UTC
version: 1
effective_from: 2026-04-01
streams:
  trips:
    time: ended_at
    actor: operator
    key: trip_id
    fields:
      trip_id: string
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
      rider: {type: string, personal: true}
goals:
  - id: distance
    title: Every operator drives at least 10 km a day
    measure: sum(trips.km)
    target: ">= 10"
    window: 1d
    every: 1d
  - id: fleet
    title: The fleet drives at least 15 km a day
    measure: sum(trips.km)
    target: ">= 15"
    window: 1d
    every: 1d
    per: all
responses:
  - {goal: distance, unmet_for: 1, do: notice}
"""

# Who calls: a name -> (role, operator). "public" sends no token.
CALLERS: dict[str, tuple[str, str | None]] = {
    "government": ("government", None),
    "auditor": ("auditor", None),
    "op-a": ("operator", "op-a"),
    "op-b": ("operator", "op-b"),
    "individual": ("individual", None),
    "community": ("community", None),
}


def trip(n: int, operator: str, day: int, km: float, hour: int = 10) -> dict[str, Any]:
    """One trip event of April 2026."""
    return {
        "trip_id": f"{operator}-{n}",
        "operator": operator,
        "ended_at": f"2026-04-{day:02d}T{hour:02d}:00:00Z",
        "km": km,
        "rider": f"rider-{n}",
    }


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    workspace: Path

    def headers(self, who: str) -> dict[str, str]:
        if who == "public":
            return {}
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, path: str, who: str = "government", **params: Any) -> Response:
        return self.client.get(path, headers=self.headers(who), params=params)

    def post_events(self, items: Any, who: str = "government", stream: str = "trips",
                    content_type: str = "application/json", domain: str = "robots") -> Response:
        body = items if isinstance(items, bytes) else orjson.dumps(items)
        headers = {**self.headers(who), "Content-Type": content_type}
        response = self.client.post(f"/v1/domains/{domain}/streams/{stream}/events",
                                    content=body, headers=headers)
        self.settle()
        return response

    def settle(self) -> None:
        """Wait until the monitor has evaluated every stored batch (it runs off the request)."""
        self.client.app.state.services.worker.flush()  # type: ignore[attr-defined]


def open_api(workspace: Path, database_url: str) -> Iterator[Api]:
    Workspace(workspace).add_domain(RULEBOOK)
    settings = Settings(workspace, database_url, None, Duration(0, "s"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        state = client.app.state.services.state  # type: ignore[attr-defined]
        tokens: dict[str, str] = {}
        for name, (role, operator) in CALLERS.items():
            account = state.create_account(name, role, operator=operator)
            tokens[name] = state.create_token(account.id, f"{name} test token")
        yield Api(client, tokens, workspace)


