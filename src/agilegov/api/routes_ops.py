"""Operations: liveness and Prometheus metrics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from anyio import to_thread
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from agilegov import __version__
from agilegov.api.aggregates import attainment, recent_findings
from agilegov.api.deps import ServicesDep
from agilegov.api.metrics import CONTENT_TYPE, Gauges
from agilegov.api.services import Services

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the service is up and its parts are open")
async def healthz(services: ServicesDep) -> dict[str, Any]:
    """`mqtt` is `off` (no broker configured), `connecting` or `subscribed`."""
    domains = await to_thread.run_sync(lambda: sorted(services.rulebooks()))
    ready = services.mqtt_ready
    mqtt = "off" if ready is None else "subscribed" if ready.is_set() else "connecting"
    return {"status": "ok", "version": __version__, "domains": domains, "mqtt": mqtt}


def gauges(services: Services, now: dt.datetime | None = None) -> Gauges:
    """Watermark lag per domain and goal attainment per goal, read now."""
    now = now or dt.datetime.now(dt.UTC)
    lag: dict[str, float] = {}
    share: dict[tuple[str, str], float] = {}
    for domain, book in services.rulebooks().items():
        watermark = services.monitor.watermark(domain)
        if watermark is not None:
            lag[domain] = max(0.0, (now - watermark).total_seconds())
        for goal in book.goals:
            value = attainment(recent_findings(services.state, domain, goal, watermark))
            if value is not None:
                share[(domain, goal.id)] = value
    return Gauges(lag, share)


@router.get("/metrics", response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {}}}},
            summary="Prometheus metrics (text exposition format)")
async def metrics(services: ServicesDep) -> PlainTextResponse:
    text = services.metrics.render(await to_thread.run_sync(gauges, services))
    return PlainTextResponse(text, media_type=CONTENT_TYPE)
