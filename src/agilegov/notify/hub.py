"""Server-Sent Events fan-out of the monitor's new findings and actions.

`Hub.publish` is called by the monitor from whichever thread ran the evaluation; it never
blocks. Each subscriber owns a bounded asyncio queue on its own event loop. A subscriber
that falls `queue_size` events behind is dropped: it receives what was queued, then one
final `event: dropped`, and its stream ends (the client reconnects and reads the findings
endpoint for what it missed). A comment line is sent every `heartbeat` seconds of silence.

Wire format, one SSE event per change (data: `FindingChange.to_dict()` / `ActionChange.to_dict()`):

    event: finding
    data: {"kind": "finding", "domain": ..., ...}

Each subscriber sees only the changes of its domain whose actor `can_read` allows.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from agilegov.access import Principal, can_read_actor
from agilegov.notify.changes import Update

CanRead = Callable[[Principal, str, str], bool]

SUBSCRIBED = ": subscribed\n\n"
KEEPALIVE = ": keepalive\n\n"
DROPPED = (
    "event: dropped\ndata: "
    + orjson.dumps(
        {"reason": "this client fell behind; reconnect and read the findings and actions"}
    ).decode()
    + "\n\n"
)
_CLOSE = object()


def sse_event(event: str, data: dict[str, Any]) -> str:
    """One SSE event: `event: <name>`, one `data:` line of compact JSON, a blank line."""
    return f"event: {event}\ndata: {orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()}\n\n"


@dataclass(eq=False)
class _Subscriber:
    domain: str
    principal: Principal
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[object]
    limit: int
    dropped: bool = field(default=False)


class Hub:
    def __init__(
        self,
        can_read: CanRead = can_read_actor,
        *,
        queue_size: int = 256,
        heartbeat: float = 15.0,
    ) -> None:
        self._can_read = can_read
        self.queue_size = queue_size
        self.heartbeat = heartbeat
        self._subs: set[_Subscriber] = set()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)

    def publish(self, update: Update) -> None:
        """Fan a monitor update out to every subscriber allowed to see each change."""
        events: list[tuple[str, str, str]] = []  # (domain, actor, sse text)
        for f in update.findings:
            events.append((f.row.domain, f.row.actor, sse_event("finding", f.to_dict())))
        for a in update.actions:
            events.append((a.row.domain, a.row.actor, sse_event("action", a.to_dict())))
        if not events:
            return
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            texts = [
                text
                for domain, actor, text in events
                if domain == sub.domain and self._can_read(sub.principal, domain, actor)
            ]
            if texts:
                self._post(sub, texts)

    def close(self) -> None:
        """End every subscription, and any made later (service shutdown)."""
        with self._lock:
            self._closed = True
            subs = list(self._subs)
        for sub in subs:
            self._post(sub, [_CLOSE])

    def _post(self, sub: _Subscriber, items: Sequence[object]) -> None:
        try:
            sub.loop.call_soon_threadsafe(self._deliver, sub, items)
        except RuntimeError:  # its event loop is closed: the client is gone
            with self._lock:
                self._subs.discard(sub)

    @staticmethod
    def _deliver(sub: _Subscriber, items: Sequence[object]) -> None:
        # Runs on the subscriber's loop. The queue has two slots beyond `limit`, for
        # the final `dropped` event and for a close.
        for item in items:
            if sub.dropped:
                return
            if item is _CLOSE:
                sub.queue.put_nowait(item)
                return
            if sub.queue.qsize() >= sub.limit:
                sub.dropped = True
                sub.queue.put_nowait(DROPPED)
                return
            sub.queue.put_nowait(item)

    async def subscribe(self, domain: str, principal: Principal) -> AsyncIterator[str]:
        """SSE text chunks for one client; the first chunk confirms the subscription."""
        sub = _Subscriber(
            domain,
            principal,
            asyncio.get_running_loop(),
            asyncio.Queue(maxsize=self.queue_size + 2),
            self.queue_size,
        )
        with self._lock:
            if self._closed:
                return
            self._subs.add(sub)
        try:
            yield SUBSCRIBED
            while True:
                try:
                    item = await asyncio.wait_for(sub.queue.get(), self.heartbeat)
                except TimeoutError:
                    yield KEEPALIVE
                    continue
                if item is _CLOSE:
                    return
                assert isinstance(item, str)
                yield item
                if item is DROPPED:
                    return
        finally:
            with self._lock:
                self._subs.discard(sub)
