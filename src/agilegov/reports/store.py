"""Reports from the public in the state database (the tables of `store.reports_models`).

Takes the engine of the running `StateStore` (same database, same migrations). A report is
triaged once: deciding on a report that was already decided is a Conflict, checked inside
the writing transaction (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SELECT ... FOR UPDATE`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agilegov.errors import Conflict, NotFound, Problem, UsageError
from agilegov.reports.records import STATUSES, Decision, PublicReport, Submission
from agilegov.store.convert import epoch_us
from agilegov.store.db import sessions
from agilegov.store.records import Page
from agilegov.store.reports_models import PublicReportModel

MAX_LIMIT = 1000


def to_record(m: PublicReportModel) -> PublicReport:
    status = next(s for s in STATUSES if s == m.status)
    return PublicReport(
        m.id, m.domain, m.received_at, m.reporter, m.category, m.text, m.text_sha256,
        m.operator, m.place, m.occurred_at, status, m.reason, m.duplicate_of, m.triaged_at,
        m.triaged_by, m.ledger_index, m.event_batch,
    )


class ReportStore:
    def __init__(self, engine: Engine) -> None:
        self._read, self._write = sessions(engine)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    def add(self, domain: str, s: Submission, reporter: str | None, received_at: str,
            text_sha256: str) -> PublicReport:
        with self._writing() as session:
            m = PublicReportModel(
                domain=domain, received_at=received_at, received_at_us=epoch_us(received_at),
                reporter=reporter, category=s.category, text=s.text, text_sha256=text_sha256,
                operator=s.operator, place=s.place, occurred_at=s.occurred_at,
                status="received",
            )
            session.add(m)
            session.flush()
            return to_record(m)

    def _get(self, session: Session, domain: str, report_id: int,
             lock: bool = False) -> PublicReportModel:
        stmt = select(PublicReportModel).where(PublicReportModel.id == report_id,
                                               PublicReportModel.domain == domain)
        if lock:
            stmt = stmt.with_for_update()
        m = session.scalars(stmt).one_or_none()
        if m is None:
            raise NotFound(f"domain '{domain}' has no report {report_id}")
        return m

    def get(self, domain: str, report_id: int) -> PublicReport:
        with self._read() as session:
            return to_record(self._get(session, domain, report_id))

    def set_ledger_index(self, domain: str, report_id: int, index: int) -> None:
        with self._writing() as session:
            self._get(session, domain, report_id).ledger_index = index

    def set_event_batch(self, domain: str, report_id: int, batch: int) -> None:
        with self._writing() as session:
            self._get(session, domain, report_id).event_batch = batch

    def decide(self, domain: str, report_id: int, d: Decision, by: int | None,
               at: str) -> PublicReport:
        """Record a triage decision; Conflict if the report was already decided."""
        with self._writing() as session:
            m = self._get(session, domain, report_id, lock=True)
            if m.status != "received":
                raise Conflict(f"report {report_id} was already triaged ({m.status} at "
                               f"{m.triaged_at}); a decision is final")
            if d.duplicate_of is not None:
                if d.duplicate_of == report_id:
                    raise UsageError([Problem("a report cannot duplicate itself",
                                              pointer="/duplicate_of")])
                self._get(session, domain, d.duplicate_of)
            m.status, m.reason, m.duplicate_of = d.status, d.reason, d.duplicate_of
            m.triaged_at, m.triaged_by = at, by
            session.flush()
            return to_record(m)

    def list(self, domain: str, status: str | None = None, limit: int = 100,
             offset: int = 0) -> Page[PublicReport]:
        """Reports of the domain, oldest first."""
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise UsageError(f"expected 1 <= limit <= {MAX_LIMIT} and offset >= 0")
        r = PublicReportModel
        where = [r.domain == domain]
        if status is not None:
            where.append(r.status == status)
        with self._read() as session:
            total = int(session.execute(select(func.count(r.id)).where(*where)).scalar_one())
            rows = session.scalars(select(r).where(*where).order_by(r.id)
                                   .limit(limit).offset(offset))
            items = [to_record(m) for m in rows]
        end = offset + len(items)
        return Page(items, end if end < total else None, total)

    def tally(self, domain: str, start_us: int | None, end_us: int | None
              ) -> dict[str, Counter[str]]:
        """Counts of reports received in [start, end): by status, by category, and by
        category for each status (`<status>:<category>` keys in `by_both`)."""
        r = PublicReportModel
        where = [r.domain == domain]
        if start_us is not None:
            where.append(r.received_at_us >= start_us)
        if end_us is not None:
            where.append(r.received_at_us < end_us)
        stmt = (select(r.status, r.category, func.count(r.id)).where(*where)
                .group_by(r.status, r.category))
        by_status: Counter[str] = Counter()
        by_category: Counter[str] = Counter()
        by_both: Counter[str] = Counter()
        with self._read() as session:
            for status, category, n in session.execute(stmt):
                by_status[status] += n
                by_category[category] += n
                by_both[f"{status}:{category}"] += n
        return {"by_status": by_status, "by_category": by_category, "by_both": by_both}
