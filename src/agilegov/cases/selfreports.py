"""Self-reports: an operator tells the regulator of an incident or breach of its own.

Kept in the governance database; the ledger gets only hashes of the free text. A self-report
earns credit in at most one case (see `agilegov.cases.credit`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Engine, select

from agilegov.errors import NotFound
from agilegov.store.cases_models import SelfReportModel
from agilegov.store.convert import epoch_us, now_iso
from agilegov.store.db import sessions

KINDS: Final = ("incident", "breach")


@dataclass(frozen=True)
class SelfReport:
    id: int
    domain: str
    operator: str
    kind: str
    goal: str | None
    occurred_at: str
    summary: str
    received_at: str
    case_id: int | None
    ledger_index: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "domain": self.domain, "operator": self.operator, "kind": self.kind,
            "goal": self.goal, "occurred_at": self.occurred_at, "summary": self.summary,
            "received_at": self.received_at, "credited_case": self.case_id,
            "ledger_index": self.ledger_index,
        }


def _report(m: SelfReportModel) -> SelfReport:
    return SelfReport(m.id, m.domain, m.operator, m.kind, m.goal, m.occurred_at, m.summary,
                      m.received_at, m.case_id, m.ledger_index)


class SelfReportStore:
    def __init__(self, engine: Engine) -> None:
        self._read, self._write = sessions(engine)

    def add(self, domain: str, operator: str, kind: str, goal: str | None,
            occurred: dt.datetime, summary: str) -> SelfReport:
        now = now_iso()
        with self._write() as s, s.begin():
            m = SelfReportModel(domain=domain, operator=operator, kind=kind, goal=goal,
                                occurred_at=occurred.isoformat(), occurred_us=epoch_us(occurred),
                                summary=summary, received_at=now, received_us=epoch_us(now))
            s.add(m)
            s.flush()
            return _report(m)

    def set_ledger_index(self, report_id: int, index: int) -> None:
        with self._write() as s, s.begin():
            m = s.get(SelfReportModel, report_id)
            if m is not None:
                m.ledger_index = index

    def get(self, report_id: int) -> SelfReport:
        with self._read() as s:
            m = s.get(SelfReportModel, report_id)
            if m is None:
                raise NotFound(f"no self-report {report_id}")
            return _report(m)

    def search(self, domain: str, operator: str | None, limit: int, offset: int
               ) -> list[SelfReport]:
        stmt = select(SelfReportModel).where(SelfReportModel.domain == domain)
        if operator is not None:
            stmt = stmt.where(SelfReportModel.operator == operator)
        stmt = stmt.order_by(SelfReportModel.id.desc()).limit(limit).offset(offset)
        with self._read() as s:
            return [_report(m) for m in s.scalars(stmt)]

    def find_credit(self, domain: str, operator: str, goal: str, occurred_by_us: int,
                    received_before_us: int) -> SelfReport | None:
        """The oldest unused self-report that earns credit in a case: same operator, the
        case's goal (or none), received before the case opened, occurred no later than the
        action that opened it."""
        stmt = (select(SelfReportModel)
                .where(SelfReportModel.domain == domain, SelfReportModel.operator == operator,
                       (SelfReportModel.goal == goal) | SelfReportModel.goal.is_(None),
                       SelfReportModel.case_id.is_(None),
                       SelfReportModel.occurred_us <= occurred_by_us,
                       SelfReportModel.received_us <= received_before_us)
                .order_by(SelfReportModel.id).limit(1))
        with self._read() as s:
            m = s.scalars(stmt).first()
            return None if m is None else _report(m)

    def link(self, report_id: int, case_id: int) -> None:
        """Record that a self-report earned credit in a case (once)."""
        with self._write() as s, s.begin():
            m = s.get(SelfReportModel, report_id, with_for_update=True)
            if m is not None and m.case_id is None:
                m.case_id = case_id
