"""Tables of enforcement cases, their steps, self-reports and investigations.

They share `Base` with the other state tables; migration 0002 creates exactly these.
Times are ISO text; `*_us` columns (epoch microseconds, UTC) are what is compared.
Free texts (reasons, plans, causes) are kept here, never in the ledger (only their hashes).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agilegov.store.models import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class CaseModel(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_subject", "domain", "goal", "actor", "state"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(40))
    opened_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    closed_at: Mapped[str | None] = mapped_column(String(40))
    rung: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[str | None] = mapped_column(String(40))
    due_us: Mapped[int | None] = mapped_column(BigInteger)
    sanction_us: Mapped[int | None] = mapped_column(BigInteger)  # latest sanction's event time
    appeal_from: Mapped[str | None] = mapped_column(String(40))
    credit: Mapped[str | None] = mapped_column(Text)  # JSON
    actions: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[at, response], ...] active


class CaseStepModel(Base):
    __tablename__ = "case_steps"
    __table_args__ = (
        Index("ix_case_steps_case", "case_id", "id"),
        Index("ix_case_steps_pending", "ledger_index"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"))
    step: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    by_role: Mapped[str] = mapped_column(String(20))
    by_account: Mapped[int | None] = mapped_column(Integer)
    by_operator: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    reason_sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    event_at: Mapped[str | None] = mapped_column(String(40))
    due: Mapped[str | None] = mapped_column(String(40))
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)


class SelfReportModel(Base):
    __tablename__ = "self_reports"
    __table_args__ = (Index("ix_self_reports_operator", "domain", "operator", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # incident | breach
    goal: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[str] = mapped_column(String(40))
    occurred_us: Mapped[int] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(Text)
    received_at: Mapped[str] = mapped_column(String(40))
    received_us: Mapped[int] = mapped_column(BigInteger)
    case_id: Mapped[int | None] = mapped_column(BigInteger)  # the case it earned credit in
    ledger_index: Mapped[int | None] = mapped_column(BigInteger)


class InvestigationModel(Base):
    __tablename__ = "investigations"
    __table_args__ = (Index("ix_investigations_domain", "domain", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(400))
    cause: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    public_summary: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of self-report ids
    status: Mapped[str] = mapped_column(String(20))  # open | published
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))
    published_at: Mapped[str | None] = mapped_column(String(40))
