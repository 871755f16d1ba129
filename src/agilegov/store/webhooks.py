"""Webhook registrations and their delivery log (session-level functions)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from agilegov.errors import NotFound, Problem, UsageError
from agilegov.store.convert import now_iso
from agilegov.store.models import DeliveryModel, WebhookModel
from agilegov.store.records import Delivery, Webhook

EVENT_KINDS = ("action", "finding")


def to_webhook(m: WebhookModel) -> Webhook:
    events = tuple(e for e in m.events.split(",") if e)
    return Webhook(m.id, m.domain, m.url, m.secret, m.operator, m.active, m.created_at, events)


def _delivery(m: DeliveryModel) -> Delivery:
    return Delivery(
        m.id, m.webhook_id, m.delivery, m.attempt, m.ok, m.status_code, m.error, m.payload, m.at
    )


def add_webhook(
    session: Session,
    domain: str,
    url: str,
    secret: str,
    operator: str | None,
    events: tuple[str, ...],
) -> Webhook:
    problems: list[Problem] = []
    if not url.startswith(("http://", "https://")):
        problems.append(Problem(f"expected an http(s) URL, got {url!r}", pointer="/url"))
    if not secret:
        problems.append(Problem("expected a non-empty signing secret", pointer="/secret"))
    bad = [e for e in events if e not in EVENT_KINDS]
    if bad or not events:
        problems.append(
            Problem(
                f"expected events among {', '.join(EVENT_KINDS)}, got {list(events)}",
                pointer="/events",
            )
        )
    if problems:
        raise UsageError(problems)
    m = WebhookModel(
        domain=domain,
        url=url,
        secret=secret,
        operator=operator,
        events=",".join(dict.fromkeys(events)),
        active=True,
        created_at=now_iso(),
    )
    session.add(m)
    session.flush()
    return to_webhook(m)


def webhooks(session: Session, domain: str, active_only: bool) -> list[Webhook]:
    stmt = select(WebhookModel).where(WebhookModel.domain == domain)
    if active_only:
        stmt = stmt.where(WebhookModel.active.is_(True))
    return [to_webhook(m) for m in session.scalars(stmt.order_by(WebhookModel.id))]


def get_webhook(session: Session, webhook_id: int) -> WebhookModel:
    m = session.get(WebhookModel, webhook_id)
    if m is None:
        raise NotFound(f"no webhook {webhook_id}")
    return m


def log_delivery(
    session: Session,
    webhook_id: int,
    delivery: str,
    attempt: int,
    ok: bool,
    status_code: int | None,
    error: str | None,
    payload: str,
) -> Delivery:
    get_webhook(session, webhook_id)
    m = DeliveryModel(
        webhook_id=webhook_id,
        delivery=delivery,
        attempt=attempt,
        ok=ok,
        status_code=status_code,
        error=error,
        payload=payload,
        at=now_iso(),
    )
    session.add(m)
    session.flush()
    return _delivery(m)


def deliveries(session: Session, webhook_id: int, limit: int, offset: int) -> list[Delivery]:
    """The delivery log of a webhook, newest first."""
    get_webhook(session, webhook_id)
    stmt = (
        select(DeliveryModel)
        .where(DeliveryModel.webhook_id == webhook_id)
        .order_by(DeliveryModel.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_delivery(m) for m in session.scalars(stmt)]
