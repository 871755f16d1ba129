"""Tables of reports from the public (SQLAlchemy 2 typed ORM, sharing the state's `Base`).

A report keeps what its reporter wrote (regulators read it when they triage) but never who
sent it: no IP address, only the pseudonym of a pseudonymous account when one was used.
Times are kept as ISO text and as epoch microseconds (`*_us`) for filtering, like findings.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agilegov.store.models import Base


class PublicReportModel(Base):
    __tablename__ = "public_reports"
    __table_args__ = (
        Index("ix_public_reports_domain_received", "domain", "received_at_us"),
        Index("ix_public_reports_domain_status", "domain", "status", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[str] = mapped_column(String(40))
    received_at_us: Mapped[int] = mapped_column(BigInteger)
    reporter: Mapped[str | None] = mapped_column(String(100))  # pseudonym of an account
    category: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    operator: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # received, accepted, rejected, duplicate
    reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger)
    triaged_at: Mapped[str | None] = mapped_column(String(40))
    triaged_by: Mapped[int | None] = mapped_column(Integer)  # the regulator's account id
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)  # its `report.received` entry
    event_batch: Mapped[int | None] = mapped_column(BigInteger)  # batch of its stream event
