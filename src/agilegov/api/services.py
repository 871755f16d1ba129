"""The parts of a running service, built once per app in its lifespan (never at import time).

Order of construction follows the data flow: workspace -> event store -> governance state
-> monitor -> ingest; the SSE hub and the webhooks subscribe to the monitor. Ingest hands
stored batches to a `MonitorWorker`, so an acknowledgement waits for durability only, never
for evaluation. `close` stops everything in reverse order (the worker first evaluates what
is queued).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import cast

from agilegov.api.metered import MeteredIngest
from agilegov.api.metrics import Metrics
from agilegov.errors import NotFound
from agilegov.ingest.service import IngestService
from agilegov.monitor import Monitor
from agilegov.monitor.worker import MonitorWorker
from agilegov.notify import Hub, Webhooks
from agilegov.rulebook.durations import Duration
from agilegov.rulebook.model import Rulebook
from agilegov.settings import Settings
from agilegov.store.events import EventStore
from agilegov.store.state import StateStore
from agilegov.workspace import Workspace

log = logging.getLogger("agilegov.api")
DOMAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def lateness_of(duration: Duration) -> dt.timedelta:
    """A fixed allowed lateness (s, m, h, or d and w taken as 24-hour days)."""
    return dt.timedelta(seconds=duration.condition_seconds)


@dataclass
class Services:
    settings: Settings
    workspace: Workspace
    events: EventStore
    state: StateStore
    monitor: Monitor
    worker: MonitorWorker
    ingest: MeteredIngest
    hub: Hub
    webhooks: Webhooks
    metrics: Metrics
    mqtt_ready: asyncio.Event | None = None  # set once MQTT ingest is subscribed
    _books: dict[str, tuple[int, Rulebook]] = field(default_factory=dict)

    def rulebook(self, domain: str) -> Rulebook:
        """The domain's rulebook in force (NotFound if absent), re-read when its file changes."""
        if not DOMAIN_SLUG.fullmatch(domain):
            raise NotFound(f"no domain '{domain}' in this workspace (a domain is a slug)")
        path = self.workspace.domains_dir / f"{domain}.yaml"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = -1
        cached = self._books.get(domain)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        book = self.workspace.rulebook(domain)
        self._books[domain] = (stamp, book)
        return book

    def rulebooks(self) -> dict[str, Rulebook]:
        """Every domain's rulebook in force, by domain (cached like `rulebook`)."""
        names = sorted(p.stem for p in self.workspace.domains_dir.glob("*.yaml"))
        return {name: self.rulebook(name) for name in names}

    def forget(self, domain: str) -> None:
        self._books.pop(domain, None)

    def close(self) -> None:
        steps = (self.worker.stop, self.webhooks.stop, self.hub.close, self.events.close,
                 self.state.close)
        for step in steps:
            try:
                step()
            except Exception:
                log.exception("error while stopping %s", getattr(step, "__qualname__", step))


def build_services(settings: Settings) -> Services:
    """Open every part of the service on the settings' workspace and database."""
    workspace = Workspace(settings.workspace)
    workspace.rulebooks()  # a broken rulebook stops the start, with its problems
    events = EventStore(workspace.events_path)
    try:
        state = StateStore(settings.database_url)
    except Exception:
        events.close()
        raise
    monitor = Monitor(workspace, events, state,
                      default_lateness=lateness_of(settings.allowed_lateness))
    worker = MonitorWorker(monitor)
    metrics = Metrics()
    # The worker has the monitor's `on_batch` (it queues the batch and returns).
    service = IngestService(workspace, events, state, cast(Monitor, worker))
    ingest = MeteredIngest(service, metrics)
    hub = Hub()
    webhooks = Webhooks(state)
    monitor.subscribers.append(hub.publish)
    monitor.subscribers.append(webhooks.on_update)
    return Services(settings, workspace, events, state, monitor, worker, ingest, hub, webhooks,
                    metrics)


def start_services(services: Services) -> None:
    """Catch up every domain from its stored events, then start evaluating and delivering."""
    for domain in sorted(services.workspace.rulebooks()):
        services.monitor.rebuild(domain)
    services.worker.start()
    services.webhooks.start()
