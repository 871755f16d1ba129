"""The governance state's tables (SQLAlchemy 2 typed ORM).

Alembic migrations (store/migrations/versions) create exactly these; a test compares them.
Times are kept twice where they are filtered or ordered on: the ISO text as given (with its
offset) and `*_us`, microseconds since the Unix epoch (UTC), which sorts in real time.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AccountModel(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    operator: Mapped[str | None] = mapped_column(String(200))
    domain: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))


class TokenModel(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[str] = mapped_column(String(40))
    revoked_at: Mapped[str | None] = mapped_column(String(40))


class QuarantineModel(Base):
    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_domain_operator", "domain", "operator", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    stream: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    item_index: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(Text)  # JSON text of the item as received
    problems: Mapped[str] = mapped_column(Text)  # JSON [[pointer, message], ...]
    received_at: Mapped[str] = mapped_column(String(40))


class BatchModel(Base):
    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_stream", "domain", "stream", "batch_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    stream: Mapped[str] = mapped_column(String(200))
    batch_id: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[str] = mapped_column(String(40))


class FindingModel(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("domain", "goal", "actor", "k"),
        Index("ix_findings_goal_order", "domain", "goal", "actor", "window_end_us"),
        Index("ix_findings_actor_order", "domain", "actor", "window_end_us"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    k: Mapped[int] = mapped_column(BigInteger)
    window_start: Mapped[str] = mapped_column(String(40))
    window_end: Mapped[str] = mapped_column(String(40))
    window_end_us: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[float | None] = mapped_column(Double)
    target: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[str] = mapped_column(String(40))


class FindingRevisionModel(Base):
    __tablename__ = "finding_revisions"
    __table_args__ = (UniqueConstraint("finding_id", "revision"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"))
    revision: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(400))
    version: Mapped[int] = mapped_column(Integer)
    previous_value: Mapped[float | None] = mapped_column(Double)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    previous_target: Mapped[str | None] = mapped_column(String(400))
    changed_at: Mapped[str] = mapped_column(String(40))


class ActionModel(Base):
    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_goal_order", "domain", "goal", "actor", "at_us", "response"),
        Index("ix_actions_actor_order", "domain", "actor", "at_us"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    k: Mapped[int] = mapped_column(BigInteger)
    response: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(40))
    at_us: Mapped[int] = mapped_column(BigInteger)
    do: Mapped[str] = mapped_column(String(400))
    due: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[str] = mapped_column(String(40))


class WebhookModel(Base):
    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_domain", "domain"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(200))
    events: Mapped[str] = mapped_column(String(200))  # comma-separated kinds
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))


class DeliveryModel(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_webhook", "webhook_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    delivery: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(40))
