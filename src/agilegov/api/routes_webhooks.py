"""Webhooks of a domain (government): register one, list them, read a delivery log.

Each action change is POSTed to every webhook of its domain, signed with the webhook's
secret (`X-Agilegov-Signature: sha256=<hex>` over the raw body); see `agilegov.notify`.
"""

from __future__ import annotations

import secrets
from typing import Any

from anyio import to_thread
from fastapi import APIRouter

from agilegov.access import can_manage_domain, require
from agilegov.api.deps import Limit, Offset, PrincipalDep, RecordId, RulebookDep, ServicesDep
from agilegov.api.schemas import ERRORS, DeliveryOut, WebhookIn, WebhookOut
from agilegov.errors import NotFound
from agilegov.store.records import Delivery, Webhook

router = APIRouter(prefix="/v1/domains/{domain}/webhooks", tags=["webhooks"])


def webhook_dict(hook: Webhook, with_secret: bool) -> dict[str, Any]:
    return {
        "id": hook.id,
        "domain": hook.domain,
        "url": hook.url,
        "secret": hook.secret if with_secret else "",
        "operator": hook.operator,
        "created_at": hook.created_at,
    }


def delivery_dict(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "webhook_id": d.webhook_id,
        "delivery": d.delivery,
        "attempt": d.attempt,
        "ok": d.ok,
        "status_code": d.status_code,
        "error": d.error,
        "at": d.at,
    }


@router.post("", response_model=WebhookOut, status_code=201, responses=ERRORS,
             summary="Register a webhook for the domain's actions (government)")
async def add_webhook(body: WebhookIn, book: RulebookDep, services: ServicesDep,
                      principal: PrincipalDep) -> dict[str, Any]:
    require(can_manage_domain(principal, book.domain),
            "only the government may register webhooks")
    secret = body.secret or secrets.token_urlsafe(32)
    hook = await to_thread.run_sync(
        lambda: services.state.add_webhook(book.domain, body.url, secret, body.operator)
    )
    return webhook_dict(hook, with_secret=True)


@router.get("", response_model=list[WebhookOut], responses=ERRORS,
            summary="The domain's active webhooks, secrets left out (government)")
async def list_webhooks(book: RulebookDep, services: ServicesDep,
                        principal: PrincipalDep) -> list[dict[str, Any]]:
    require(can_manage_domain(principal, book.domain), "only the government may list webhooks")
    hooks = await to_thread.run_sync(services.state.webhooks, book.domain)
    return [webhook_dict(h, with_secret=False) for h in hooks]


@router.get("/{webhook_id}/deliveries", response_model=list[DeliveryOut], responses=ERRORS,
            summary="A webhook's delivery log, newest first (government)")
async def get_deliveries(
    webhook_id: RecordId, book: RulebookDep, services: ServicesDep, principal: PrincipalDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    require(can_manage_domain(principal, book.domain),
            "only the government may read delivery logs")

    def read() -> list[Delivery]:
        hook = services.state.webhook(webhook_id)
        if hook.domain != book.domain:
            raise NotFound(f"domain '{book.domain}' has no webhook {webhook_id}")
        return services.state.deliveries(webhook_id, limit, offset)

    return [delivery_dict(d) for d in await to_thread.run_sync(read)]
