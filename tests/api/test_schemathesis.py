"""Schemathesis against the served OpenAPI document: no input makes the API answer 5xx.

A real server on loopback, called with a government token so that every authenticated
path runs. Half of the generated cases point at the real domain and stream (random path
values would otherwise only ever reach the 404 branch). The live stream never ends and
is left to test_routes_stream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.api.server import prepare_workspace, running_server

EXAMPLES = 25
REAL = {"domain": "robots", "stream": "trips", "goal": "distance", "actor": "op-a"}


def aimed(case: Any, real: bool) -> Any:
    if real and case.path_parameters:
        for name, value in REAL.items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    return case


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    tokens = prepare_workspace(root)
    auth = {"Authorization": f"Bearer {tokens['government']}"}
    with running_server(root) as server:
        schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:
            if operation.path.endswith("/stream"):
                continue

            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=st.builds(aimed, operation.as_strategy(), st.booleans()))
            def call(case: Any) -> None:
                response = case.call(base_url=server.url, headers=auth)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: "
                                    f"{response.status_code} {response.text[:200]}")

            call()
        assert failures == []
        assert server.stop() == 0
