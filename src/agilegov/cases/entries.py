"""Ledger entries of enforcement: case steps, self-reports, investigations.

Bodies hold no personal data and no free text: reasons, plans and summaries appear only as
SHA-256 hex digests of their UTF-8 text (the texts stay in the governance database), the
people acting only as a role and a numeric account id, operators by their actor id.

| kind | body |
| --- | --- |
- `case.moved`: case, goal, actor, step, from, to, by {role, account?, operator?},
  reason_sha256, step_id, event_at?, due?, credit?
- `self-report.received`: id, operator, kind, goal, occurred_at, summary_sha256
- `investigation.recorded`: id, status, self_reports, by, sha256 {title, cause, lessons,
  findings, public_summary}
- `investigation.published`: the same and published_at (the summary is served by the API)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from agilegov.cases.investigations import TEXTS, Investigation
from agilegov.cases.model import CaseRecord, StepRecord
from agilegov.cases.selfreports import SelfReport
from agilegov.ledger.entry import Entry

CASE_MOVED = "case.moved"
SELF_REPORT_RECEIVED = "self-report.received"
INVESTIGATION_RECORDED = "investigation.recorded"
INVESTIGATION_PUBLISHED = "investigation.published"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _at(text: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def case_moved(case: CaseRecord, step: StepRecord) -> Entry:
    by: dict[str, Any] = {"role": step.by_role}
    if step.by_account is not None:
        by["account"] = step.by_account
    if step.by_operator is not None:
        by["operator"] = step.by_operator
    body: dict[str, Any] = {
        "case": case.id, "goal": case.goal, "actor": case.actor, "step": step.step,
        "from": step.from_state, "to": step.to_state, "by": by,
        "reason_sha256": step.reason_sha256, "step_id": step.id,
    }
    if step.event_at is not None:
        body["event_at"] = step.event_at
    if step.due is not None:
        body["due"] = step.due
    if step.step == "credit-cap" or (step.from_state == "new" and case.credit):
        body["credit"] = case.credit
    return Entry(CASE_MOVED, _at(step.at), case.domain, body)


def self_report_received(report: SelfReport) -> Entry:
    body = {"id": report.id, "operator": report.operator, "kind": report.kind,
            "goal": report.goal, "occurred_at": report.occurred_at,
            "summary_sha256": _sha(report.summary)}
    return Entry(SELF_REPORT_RECEIVED, _at(report.received_at), report.domain, body)


def investigation_entry(inv: Investigation, by_account: int | None) -> Entry:
    texts = inv.to_dict()
    body: dict[str, Any] = {
        "id": inv.id, "status": inv.status, "self_reports": list(inv.links),
        "by": {"role": "government", **({"account": by_account} if by_account else {})},
        "sha256": {name: _sha(str(texts[name])) for name in TEXTS},
    }
    kind = INVESTIGATION_RECORDED
    if inv.status == "published":
        kind = INVESTIGATION_PUBLISHED
        body["published_at"] = inv.published_at
    return Entry(kind, _at(inv.updated_at), inv.domain, body)
