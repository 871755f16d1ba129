"""The HTTP face of the live service: `create_app(settings)` builds a FastAPI app.

Nothing is opened when this module is imported or when the app is created: the parts of
the service (workspace, event store, governance state, monitor, ingest, SSE hub, webhooks,
MQTT subscriber) are opened in the app's lifespan and closed when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI

from agilegov import __version__
from agilegov.api import (
    routes_accountability,
    routes_cases,
    routes_domains,
    routes_findings,
    routes_ingest,
    routes_ledger,
    routes_ops,
    routes_reports,
    routes_stream,
    routes_webhooks,
)
from agilegov.api.docs import install_docs
from agilegov.api.errors import install_error_handlers
from agilegov.api.logs import RequestLog
from agilegov.api.services import Services, attach_ledger, build_services, start_services
from agilegov.ledger.store import Ledger
from agilegov.settings import Settings

log = logging.getLogger("agilegov.api")

DESCRIPTION = """\
Agile governance, live: operators report events to the streams of a domain's rulebook;
the monitor evaluates its goals as event time advances and publishes findings and actions.

Authenticate with `Authorization: Bearer <token>` (made by `agilegov token create`);
without a token you are the public, which reads the published aggregates.
"""


def open_ledger(settings: Settings) -> Ledger:
    """The workspace's transparency ledger (created with its signing key on first use)."""
    return Ledger(settings.workspace)


def mqtt_client_id(services: Services) -> str:
    """A stable MQTT session name per workspace, so unacknowledged messages survive restarts."""
    digest = hashlib.sha256(str(services.workspace.root).encode()).hexdigest()[:16]
    return f"agilegov-{digest}"


async def _stop_task(task: asyncio.Task[None] | None, stop: asyncio.Event) -> None:
    stop.set()
    if task is None:
        return
    try:
        await asyncio.wait_for(task, 10)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
    except Exception:
        log.exception("the MQTT subscriber ended with an error")


def _lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await to_thread.run_sync(build_services, settings)
        stop = asyncio.Event()
        task: asyncio.Task[None] | None = None
        try:
            app.state.ledger = await to_thread.run_sync(open_ledger, settings)
            await to_thread.run_sync(attach_ledger, services, app.state.ledger)
            await to_thread.run_sync(start_services, services)
            app.state.services = services
            if settings.mqtt_url:
                from agilegov.ingest.mqtt import run_mqtt

                services.mqtt_ready = asyncio.Event()
                task = asyncio.create_task(
                    run_mqtt(settings.mqtt_url, services.ingest, stop,
                             client_id=mqtt_client_id(services), ready=services.mqtt_ready)
                )
            log.info("serving workspace %s", settings.workspace,
                     extra={"fields": {"event": "start", "workspace": str(settings.workspace)}})
            yield
        finally:
            await _stop_task(task, stop)
            with contextlib.suppress(AttributeError):
                del app.state.services
            await to_thread.run_sync(services.close)  # appends the acts still queued
            ledger = getattr(app.state, "ledger", None)
            if ledger is not None:
                del app.state.ledger
                await to_thread.run_sync(ledger.close)

    return lifespan


def create_app(settings: Settings) -> FastAPI:
    """The API of one workspace; its services open when the app starts (lifespan)."""
    app = FastAPI(
        title="agilegov",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(settings),
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_docs(app)
    for module in (routes_ops, routes_domains, routes_ingest, routes_findings, routes_stream,
                   routes_webhooks, routes_ledger, routes_reports, routes_cases,
                   routes_accountability):
        app.include_router(module.router)
    app.add_middleware(RequestLog)
    return app
