"""The parts of a running service, built once per app in its lifespan (never at import time).

Order of construction follows the data flow: workspace -> event store -> governance state
-> monitor -> ingest; the SSE hub and the webhooks subscribe to the monitor. Ingest hands
stored batches to a `MonitorWorker`, so an acknowledgement waits for durability only, never
for evaluation. `close` stops everything in reverse order (the worker first evaluates what
is queued).

The transparency ledger is opened next to the services; `attach_ledger` makes every
governance act go into it (`agilegov.ledger.actlog.ActLog`): ingest batches (with a
receipt), the monitor's findings and actions, rulebook versions and pseudonym key changes
found in the workspace (also those made offline with the CLI), recorded once each.
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
from agilegov.cases.service import CaseService, build_case_service
from agilegov.errors import NotFound
from agilegov.ingest.service import IngestService
from agilegov.ledger.actlog import ActLog
from agilegov.ledger.store import Ledger
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
    acts: ActLog | None = None  # governance acts into the ledger (see `attach_ledger`)
    cases: CaseService | None = None  # enforcement cases (agilegov.cases)
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
        if self.acts is not None:  # e.g. `agilegov domain add` while the service runs
            self.acts.rulebook_adopted(book, path.read_bytes(), "workspace")
        return book

    def rulebooks(self) -> dict[str, Rulebook]:
        """Every domain's rulebook in force, by domain (cached like `rulebook`)."""
        names = sorted(p.stem for p in self.workspace.domains_dir.glob("*.yaml"))
        return {name: self.rulebook(name) for name in names}

    def forget(self, domain: str) -> None:
        self._books.pop(domain, None)

    def _stop_acts(self) -> None:
        if self.acts is not None:
            self.acts.stop()

    def close(self) -> None:
        steps = (self.worker.stop, self._stop_acts, self.webhooks.stop, self.hub.close,
                 self.events.close, self.state.close)
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
    cases = build_case_service(state.engine, workspace.root, workspace.rulebook)
    monitor.subscribers.append(cases.keeper.on_update)
    return Services(settings, workspace, events, state, monitor, worker, ingest, hub, webhooks,
                    metrics, cases=cases)


def attach_ledger(services: Services, ledger: Ledger) -> ActLog:
    """Record every governance act in `ledger` from now on; first record the rulebook
    versions and pseudonym keys of the workspace the ledger does not have yet."""
    acts = ActLog(ledger)
    acts.start()
    services.acts = acts
    services.ingest.service.acts = acts
    services.monitor.subscribers.append(acts.on_update)
    if services.cases is not None:
        services.cases.keeper.attach(ledger)
    for domain in sorted(services.workspace.rulebooks()):
        path = services.workspace.domains_dir / f"{domain}.yaml"
        acts.rulebook_adopted(services.workspace.rulebook(domain), path.read_bytes(),
                              "workspace")
        if (services.workspace.keys_dir / f"{domain}.json").is_file():
            ring = services.ingest.service.pseudonyms.ring(domain)
            acts.keys_seen(domain, list(ring.keys), ring.current, "workspace")
    return acts


def start_services(services: Services) -> None:
    """Catch up every domain from its stored events, then start evaluating and delivering."""
    for domain in sorted(services.workspace.rulebooks()):
        services.monitor.rebuild(domain)
    services.worker.start()
    services.webhooks.start()
