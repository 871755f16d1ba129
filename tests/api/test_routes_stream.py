"""The live SSE stream, read from a real server: each caller gets what it may see."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
from tests.api.helpers import trip
from tests.api.server import prepare_workspace, running_server

STREAM = "/v1/domains/robots/stream"


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) of each SSE event; comments come as ("comment", text)."""
    event, data = "message", []
    for line in lines:
        if line.startswith(":"):
            yield "comment", line[1:].strip()
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif line == "" and data:
            yield event, orjson.loads("\n".join(data))
            event, data = "message", []


def read_until(events: Iterator[tuple[str, Any]], done: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for kind, data in events:
        if kind == "comment":
            continue
        seen.append((kind, data))
        if done(seen):
            return seen
    raise AssertionError(f"the stream ended early after {seen}")


def test_findings_and_actions_stream_to_those_who_may_see_them(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    tokens = prepare_workspace(root)
    auth = {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}
    with running_server(root) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get(STREAM).status_code == 403  # the public reads aggregates instead
        with http.stream("GET", STREAM, headers=auth["op-a"]) as mine, \
                http.stream("GET", STREAM, headers=auth["government"]) as all_:
            assert mine.status_code == 200
            assert mine.headers["content-type"].startswith("text/event-stream")
            mine_events = sse_events(mine.iter_lines())
            all_events = sse_events(all_.iter_lines())
            assert next(mine_events) == ("comment", "subscribed")
            assert next(all_events) == ("comment", "subscribed")
            first = [trip(1, "op-b", 1, 12.0), trip(2, "op-b", 3, 1.0)]
            assert http.post("/v1/domains/robots/streams/trips/events", json=first,
                             headers=auth["government"]).json()["accepted"] == 2
            second = [trip(3, "op-a", 4, 4.0), trip(4, "op-a", 6, 1.0)]
            assert http.post("/v1/domains/robots/streams/trips/events", json=second,
                             headers=auth["op-a"]).json()["accepted"] == 2

            seen = read_until(mine_events, lambda s: any(k == "action" for k, _ in s))
            assert {d["actor"] for _, d in seen} == {"op-a"}
            finding = next(d for k, d in seen if k == "finding")
            assert finding["goal"] == "distance" and finding["status"] == "unmet"
            assert finding["window_end"] == "2026-04-05T00:00:00+00:00"
            assert finding["value"] == 4.0
            action = next(d for k, d in seen if k == "action")
            assert action["do"] == "notice" and action["change"] == "new"

            everyone = read_until(
                all_events,
                lambda s: {d["actor"] for k, d in s if k == "finding"} >= {"op-a", "op-b", "*"},
            )
            assert {d["domain"] for _, d in everyone} == {"robots"}
        status = server.stop()
    assert status == 0
    lines = [orjson.loads(x) for x in server.log.read_text().splitlines() if x.startswith("{")]
    requests = [x for x in lines if x.get("event") == "request"]
    assert {"method", "path", "status", "ms"} <= set(requests[0])
    batches = [x for x in lines if x.get("event") == "ingest"]
    assert [b["accepted"] for b in batches] == [2, 2]
