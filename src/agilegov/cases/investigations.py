"""Investigations: cause, lessons and published findings of an incident, apart from blame.

Records of their own, created and edited by regulators, linked to self-reports, and
published with a public summary. Nothing here is an input of the case state machine
(`agilegov.cases.model`): sanctions never use an investigation as evidence. Records are
never deleted (the ledger holds every version's hash); publishing is final but a
published record may still be corrected (each correction is a new ledger entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import orjson
from sqlalchemy import Engine, select

from agilegov.errors import NotFound, Problem, UsageError
from agilegov.store.cases_models import InvestigationModel, SelfReportModel
from agilegov.store.convert import now_iso
from agilegov.store.db import sessions

TEXTS: Final = ("title", "cause", "lessons", "findings", "public_summary")
MAX_TEXT: Final = 20_000


@dataclass(frozen=True)
class Investigation:
    id: int
    domain: str
    title: str
    cause: str
    lessons: str
    findings: str
    public_summary: str
    links: tuple[int, ...]  # self-report ids
    status: str  # open | published
    created_by: int | None
    created_at: str
    updated_at: str
    published_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "domain": self.domain, "title": self.title, "cause": self.cause,
            "lessons": self.lessons, "findings": self.findings,
            "public_summary": self.public_summary, "self_reports": list(self.links),
            "status": self.status, "created_by": self.created_by,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "published_at": self.published_at,
        }

    def public_dict(self) -> dict[str, Any]:
        """What everyone may read of a published investigation."""
        return {"id": self.id, "domain": self.domain, "title": self.title,
                "findings": self.findings, "lessons": self.lessons,
                "public_summary": self.public_summary, "published_at": self.published_at}


def _inv(m: InvestigationModel) -> Investigation:
    links = tuple(int(x) for x in orjson.loads(m.links))
    return Investigation(m.id, m.domain, m.title, m.cause, m.lessons, m.findings,
                         m.public_summary, links, m.status, m.created_by, m.created_at,
                         m.updated_at, m.published_at)


def storable(text: str) -> bool:
    """Whether a text can be stored and hashed: valid UTF-8 (no lone surrogate), no NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def check_fields(fields: dict[str, Any], creating: bool) -> None:
    problems: list[Problem] = []
    for name, value in fields.items():
        if name in TEXTS and value is not None and (
                not isinstance(value, str) or len(value) > MAX_TEXT or not storable(value)):
            problems.append(Problem(f"expected a text of at most {MAX_TEXT} characters "
                                    "(UTF-8, no NUL)", pointer=f"/{name}"))
    if creating and not str(fields.get("title") or "").strip():
        problems.append(Problem("expected a non-empty title", pointer="/title"))
    if problems:
        raise UsageError(problems)


class InvestigationStore:
    def __init__(self, engine: Engine) -> None:
        self._read, self._write = sessions(engine)

    def _check_links(self, s: Any, domain: str, links: list[int]) -> None:
        for i, rid in enumerate(links):
            m = s.get(SelfReportModel, rid)
            if m is None or m.domain != domain:
                raise UsageError([Problem(f"no self-report {rid} in domain '{domain}'",
                                          pointer=f"/self_reports/{i}")])

    def create(self, domain: str, fields: dict[str, Any], links: list[int],
               by_account: int | None) -> Investigation:
        check_fields(fields, creating=True)
        now = now_iso()
        with self._write() as s, s.begin():
            self._check_links(s, domain, links)
            m = InvestigationModel(domain=domain, status="open", created_by=by_account,
                                   created_at=now, updated_at=now,
                                   links=orjson.dumps(sorted(set(links))).decode(),
                                   **{k: str(fields.get(k) or "") for k in TEXTS})
            s.add(m)
            s.flush()
            return _inv(m)

    def update(self, domain: str, inv_id: int, fields: dict[str, Any],
               links: list[int] | None, publish: bool = False) -> Investigation:
        check_fields(fields, creating=False)
        with self._write() as s, s.begin():
            m = s.get(InvestigationModel, inv_id, with_for_update=True)
            if m is None or m.domain != domain:
                raise NotFound(f"no investigation {inv_id} in domain '{domain}'")
            for name in TEXTS:
                if fields.get(name) is not None:
                    setattr(m, name, str(fields[name]))
            if links is not None:
                self._check_links(s, domain, links)
                m.links = orjson.dumps(sorted(set(links))).decode()
            m.updated_at = now_iso()
            if publish:
                if not m.public_summary.strip():
                    raise UsageError([Problem("a published investigation needs a public "
                                              "summary", pointer="/public_summary")])
                m.status, m.published_at = "published", m.published_at or m.updated_at
            return _inv(m)

    def get(self, domain: str, inv_id: int) -> Investigation:
        with self._read() as s:
            m = s.get(InvestigationModel, inv_id)
            if m is None or m.domain != domain:
                raise NotFound(f"no investigation {inv_id} in domain '{domain}'")
            return _inv(m)

    def search(self, domain: str, published_only: bool, limit: int, offset: int
               ) -> list[Investigation]:
        stmt = select(InvestigationModel).where(InvestigationModel.domain == domain)
        if published_only:
            stmt = stmt.where(InvestigationModel.status == "published")
        stmt = stmt.order_by(InvestigationModel.id.desc()).limit(limit).offset(offset)
        with self._read() as s:
            return [_inv(m) for m in s.scalars(stmt)]
