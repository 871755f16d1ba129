from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from agilegov.access import PUBLIC, Principal
from agilegov.ingest.service import IngestService
from agilegov.monitor import Monitor
from agilegov.notify.hub import DROPPED, KEEPALIVE, SUBSCRIBED, Hub, sse_event
from agilegov.store.events import EventStore
from agilegov.store.records import ActionChange, ActionRow, FindingChange, FindingRow
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

GOV = Principal("government", 1, None, None)
ACME = Principal("operator", 2, "acme", "d")


def finding(actor: str, domain: str = "d", k: int = 1, revision: int = 0) -> FindingChange:
    row = FindingRow(
        domain, "g", actor, k, "2026-04-01T00:00:00+09:00", "2026-04-02T00:00:00+09:00",
        1.5, "<= 2.0", "met", 1, revision,
    )
    return FindingChange("new" if revision == 0 else "revised", row, None, "2026-04-02T01:00:00Z")


def action(actor: str) -> ActionChange:
    row = ActionRow("d", "g", actor, 1, 0, "2026-04-02T00:00:00+09:00", "notice", None)
    return ActionChange("new", row, "2026-04-02T01:00:00Z")


@dataclass
class Update:
    findings: list[FindingChange] = field(default_factory=list)
    actions: list[ActionChange] = field(default_factory=list)


def parse(chunk: str) -> tuple[str, dict[str, object]]:
    lines = chunk.rstrip("\n").split("\n")
    assert lines[0].startswith("event: ") and lines[1].startswith("data: ")
    return lines[0][7:], orjson.loads(lines[1][6:])


async def take(stream: AsyncIterator[str], n: int) -> list[str]:
    return [await asyncio.wait_for(anext(stream), 5) for _ in range(n)]


def test_an_sse_event_is_one_event_line_one_data_line_and_a_blank_line() -> None:
    text = sse_event("finding", {"b": 1, "a": "x"})
    assert text == 'event: finding\ndata: {"a":"x","b":1}\n\n'


def test_subscribers_get_only_their_domain_and_what_they_may_read() -> None:
    async def main() -> None:
        hub = Hub()
        gov = hub.subscribe("d", GOV)
        acme = hub.subscribe("d", ACME)
        public = hub.subscribe("d", PUBLIC)
        other = hub.subscribe("e", GOV)
        for s in (gov, acme, public, other):
            assert await anext(s) == SUBSCRIBED
        assert hub.subscribers == 4
        hub.publish(Update([finding("acme"), finding("beta"), finding("acme", "e")],
                           [action("acme"), action("beta")]))
        got = [parse(c) for c in await take(gov, 4)]
        assert [(e, d["actor"], d["domain"]) for e, d in got] == [
            ("finding", "acme", "d"), ("finding", "beta", "d"),
            ("action", "acme", "d"), ("action", "beta", "d"),
        ]
        assert got[0][1]["change"] == "new" and got[2][1]["do"] == "notice"
        mine = [parse(c) for c in await take(acme, 2)]
        assert [(e, d["actor"]) for e, d in mine] == [("finding", "acme"), ("action", "acme")]
        assert [parse(c)[1]["domain"] for c in await take(other, 1)] == ["e"]
        # The public sees no actor's findings: nothing is queued for it.
        hub.close()
        assert [c async for c in public] == []
        for s in (gov, acme, other):
            assert [c async for c in s] == []
        assert hub.subscribers == 0
        assert [c async for c in hub.subscribe("d", GOV)] == []  # closed for good

    asyncio.run(main())


def test_publishing_from_another_thread_reaches_the_loop() -> None:
    async def main() -> None:
        hub = Hub()
        stream = hub.subscribe("d", GOV)
        assert await anext(stream) == SUBSCRIBED
        t = threading.Thread(target=hub.publish, args=(Update([finding("acme", revision=2)]),))
        t.start()
        event, data = parse((await take(stream, 1))[0])
        t.join()
        assert (event, data["revision"], data["change"]) == ("finding", 2, "revised")
        await stream.aclose()
        assert hub.subscribers == 0

    asyncio.run(main())


def test_a_slow_subscriber_is_dropped_with_a_final_event_without_blocking() -> None:
    async def main() -> None:
        hub = Hub(queue_size=3)
        slow = hub.subscribe("d", GOV)
        fast = hub.subscribe("d", GOV)
        assert await anext(slow) == SUBSCRIBED
        assert await anext(fast) == SUBSCRIBED
        for k in range(3):
            hub.publish(Update([finding("acme", k=k)]))
            await asyncio.sleep(0)  # let the loop deliver
            assert parse((await take(fast, 1))[0])[1]["k"] == k
        hub.publish(Update([finding("acme", k=3), finding("acme", k=4)]))
        await asyncio.sleep(0)
        rest = [c async for c in slow]
        assert [parse(c)[1]["k"] for c in rest[:3]] == [0, 1, 2]
        assert rest[3:] == [DROPPED]
        assert [parse(c)[1]["k"] for c in await take(fast, 2)] == [3, 4]
        assert hub.subscribers == 1
        await fast.aclose()

    asyncio.run(main())


def test_silence_is_broken_by_keepalive_comments() -> None:
    async def main() -> None:
        hub = Hub(heartbeat=0.01)
        stream = hub.subscribe("d", GOV)
        assert await anext(stream) == SUBSCRIBED
        assert await asyncio.wait_for(anext(stream), 5) == KEEPALIVE
        await stream.aclose()

    asyncio.run(main())


def test_a_subscriber_whose_loop_is_gone_is_forgotten() -> None:
    hub = Hub()

    async def subscribe_and_leave() -> AsyncIterator[str]:
        stream = hub.subscribe("d", GOV)
        assert await anext(stream) == SUBSCRIBED
        return stream

    loop = asyncio.new_event_loop()
    stream = loop.run_until_complete(subscribe_and_leave())
    loop.close()
    assert hub.subscribers == 1
    hub.publish(Update([finding("acme")]))
    assert hub.subscribers == 0
    del stream


RULEBOOK = """\
domain: d
version: 1
effective_from: 2026-04-01
timezone: UTC
streams:
  trips:
    time: ended_at
    actor: operator
    fields:
      operator: string
      ended_at: timestamp
      km: {type: float, min: 0}
goals:
  - id: g
    title: Distance per day
    measure: sum(trips.km)
    target: ">= 10"
    window: 1d
responses:
  - {goal: g, unmet_for: 1, do: notice}
"""


def test_the_monitor_s_updates_reach_subscribers(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.add_domain(RULEBOOK)
    store = EventStore(workspace.events_path)
    state = StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}")
    monitor = Monitor(workspace, store, state, default_lateness=dt.timedelta(0))
    service = IngestService(workspace, store, state, monitor)
    hub = Hub()
    monitor.subscribers.append(hub.publish)

    async def main() -> list[tuple[str, dict[str, object]]]:
        gov, acme = hub.subscribe("d", GOV), hub.subscribe("d", ACME)
        assert await anext(gov) == SUBSCRIBED and await anext(acme) == SUBSCRIBED
        events = [
            {"operator": "acme", "ended_at": "2026-04-01T10:00:00Z", "km": 3.0},
            {"operator": "beta", "ended_at": "2026-04-01T11:00:00Z", "km": 30.0},
            {"operator": "acme", "ended_at": "2026-04-02T10:00:00Z", "km": 1.0},
        ]
        await asyncio.to_thread(service.ingest, "d", "trips", events, GOV)
        got = [parse(c) for c in await take(gov, 3)]
        mine = [parse(c) for c in await take(acme, 2)]
        assert [(e, d["actor"]) for e, d in mine] == [("finding", "acme"), ("action", "acme")]
        hub.close()
        return got

    try:
        got = asyncio.run(main())
    finally:
        store.close()
        state.close()
    findings = {d["actor"]: d for e, d in got if e == "finding"}
    assert (findings["acme"]["status"], findings["beta"]["status"]) == ("unmet", "met")
    assert str(findings["acme"]["window_end"]).startswith("2026-04-02T00:00:00")
    (action,) = [d for e, d in got if e == "action"]
    assert (action["actor"], action["do"], action["change"]) == ("acme", "notice", "new")
