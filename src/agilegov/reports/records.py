"""Plain records of reports from the public (no SQLAlchemy types leak out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

ReportStatus = Literal["received", "accepted", "rejected", "duplicate"]
STATUSES: Final[tuple[ReportStatus, ...]] = ("received", "accepted", "rejected", "duplicate")
DECISIONS: Final[tuple[ReportStatus, ...]] = ("accepted", "rejected", "duplicate")


@dataclass(frozen=True)
class Submission:
    """What a reporter sent, checked: a problem in a domain, optionally about an operator,
    a place and a time (`occurred_at`, ISO 8601 with its offset)."""

    category: str
    text: str
    operator: str | None = None
    place: str | None = None
    occurred_at: str | None = None


@dataclass(frozen=True)
class Decision:
    """A regulator's triage of one report."""

    status: ReportStatus
    reason: str
    duplicate_of: int | None = None


@dataclass(frozen=True)
class PublicReport:
    id: int
    domain: str
    received_at: str
    reporter: str | None  # pseudonym of the account that sent it; None = anonymous
    category: str
    text: str
    text_sha256: str
    operator: str | None
    place: str | None
    occurred_at: str | None
    status: ReportStatus
    reason: str | None = None
    duplicate_of: int | None = None
    triaged_at: str | None = None
    triaged_by: int | None = None
    ledger_index: int | None = None
    event_batch: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The full record, as regulators and auditors read it."""
        return {
            "id": self.id,
            "domain": self.domain,
            "received_at": self.received_at,
            "reporter": self.reporter,
            "category": self.category,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "operator": self.operator,
            "place": self.place,
            "occurred_at": self.occurred_at,
            "status": self.status,
            "reason": self.reason,
            "duplicate_of": self.duplicate_of,
            "triaged_at": self.triaged_at,
            "triaged_by": self.triaged_by,
            "ledger_index": self.ledger_index,
            "event_batch": self.event_batch,
        }
