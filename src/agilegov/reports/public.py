"""Reports from individuals and communities: submission, receipt, triage, stream event.

Anyone may report a problem in a domain, with no account or with a pseudonymous one
(individual, community, any account): a category, a text, and optionally the operator, the
place and the time it is about. The report is stored for the regulators, and a
`report.received` entry goes into the transparency ledger holding only hashes of what was
written (never the text, the place or anything about the sender); the reporter gets that
entry's receipt. Regulators triage a report once: `accepted`, `rejected` or `duplicate`
(of another report), always with a reason; the decision is a `report.triaged` entry (the
reason as a hash). An accepted report becomes an event of the domain's stream
`public_reports` when its rulebook declares one (see `stream_item`), ingested as the
government, so goals can count reports (e.g. per 10,000 trips).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from agilegov.access import Principal, is_regulator
from agilegov.errors import AccessDenied, DataError, Problem
from agilegov.ingest.pseudonym import Pseudonymizer
from agilegov.ingest.service import IngestResult
from agilegov.ledger.entry import Entry
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.store import Ledger
from agilegov.reports import limits
from agilegov.reports.records import DECISIONS, Decision, PublicReport, Submission
from agilegov.reports.store import ReportStore
from agilegov.rulebook.model import Rulebook, Stream

STREAM = "public_reports"
CATEGORY = re.compile(r"[a-z0-9][a-z0-9_-]*")
DEFAULT_CATEGORY = "other"
FUTURE_SLACK = dt.timedelta(minutes=5)
MAX_ID = 2**62  # ids any database holds
SUBMISSION_FIELDS = ("category", "text", "operator", "place", "at")


class Ingestor(Protocol):
    def ingest(self, domain: str, stream: str, items: list[Any], principal: Principal,
               source: str = "http") -> IngestResult: ...


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(body: dict[str, Any], name: str, most: int, problems: list[Problem],
          required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            problems.append(Problem(f"'{name}' is required", pointer=f"/{name}"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("expected a non-empty string", pointer=f"/{name}"))
        return None
    value = value.strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(Problem("expected valid Unicode text (no lone surrogates)",
                                pointer=f"/{name}"))
        return None
    if "\x00" in value:
        problems.append(Problem("the text may not hold NUL characters", pointer=f"/{name}"))
        return None
    if len(value) > most:
        problems.append(Problem(f"at most {most} characters, got {len(value)}",
                                pointer=f"/{name}"))
        return None
    return value


def _category(body: dict[str, Any], book: Rulebook, problems: list[Problem]) -> str:
    value = _text(body, "category", limits.MAX_CATEGORY, problems) or DEFAULT_CATEGORY
    if not CATEGORY.fullmatch(value):
        problems.append(Problem("expected a category of lower-case letters, digits, '-' and "
                                f"'_', got {value!r}", pointer="/category"))
    stream = book.streams.get(STREAM)
    spec = stream.fields.get("category") if stream is not None else None
    if spec is not None and spec.values is not None and value not in spec.values:
        allowed = ", ".join(str(v) for v in spec.values)
        problems.append(Problem(f"expected one of {allowed}, got {value!r}",
                                pointer="/category"))
    return value


def _instant(body: dict[str, Any], tz: ZoneInfo, now: dt.datetime,
             problems: list[Problem]) -> str | None:
    value = body.get("at")
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem("expected an ISO 8601 time such as 2026-04-01T08:30:00+09:00 "
                                "(a time without offset is in the domain's timezone)",
                                pointer="/at"))
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if parsed > now + FUTURE_SLACK:
        problems.append(Problem("the time of the problem is in the future", pointer="/at"))
        return None
    return parsed.isoformat()


def parse_submission(body: Any, book: Rulebook, now: dt.datetime) -> Submission:
    """A checked submission, or DataError naming each bad member by its JSON pointer."""
    if not isinstance(body, dict):
        raise DataError([Problem("expected a JSON object with 'text' and optionally "
                                 "'category', 'operator', 'place', 'at'", pointer="")])
    problems = [Problem(f"unknown member; expected one of {', '.join(SUBMISSION_FIELDS)}",
                        pointer=f"/{name}") for name in body if name not in SUBMISSION_FIELDS]
    text = _text(body, "text", limits.MAX_TEXT, problems, required=True)
    category = _category(body, book, problems)
    operator = _text(body, "operator", limits.MAX_OPERATOR, problems)
    place = _text(body, "place", limits.MAX_PLACE, problems)
    at = _instant(body, ZoneInfo(book.timezone), now, problems)
    if problems or text is None:
        raise DataError(problems)
    return Submission(category, text, operator, place, at)


def parse_decision(body: Any) -> Decision:
    if not isinstance(body, dict):
        raise DataError([Problem("expected a JSON object with 'status' and 'reason'",
                                 pointer="")])
    problems = [Problem("unknown member; expected status, reason, duplicate_of",
                        pointer=f"/{name}")
                for name in body if name not in ("status", "reason", "duplicate_of")]
    status = body.get("status")
    if status not in DECISIONS:
        problems.append(Problem(f"expected one of {', '.join(DECISIONS)}", pointer="/status"))
    reason = _text(body, "reason", limits.MAX_TEXT, problems, required=True)
    dup = body.get("duplicate_of")
    if status == "duplicate" and dup is None:
        problems.append(Problem("a duplicate names the report it repeats",
                                pointer="/duplicate_of"))
    if dup is not None and (not isinstance(dup, int) or isinstance(dup, bool)
                            or not 1 <= dup <= MAX_ID or status != "duplicate"):
        problems.append(Problem("expected the id of an earlier report (only for 'duplicate')",
                                pointer="/duplicate_of"))
    if problems or reason is None:
        raise DataError(problems)
    return Decision(next(s for s in DECISIONS if s == status), reason, dup)


def stream_item(report: PublicReport, stream: Stream) -> dict[str, Any]:
    """The event of an accepted report in the `public_reports` stream.

    Filled in, when the stream declares them: `report_id` ("report-<id>"), `operator`,
    `reported_at` (when it was received), `occurred_at` (the time it is about, else when
    received), `category`, `place`. The stream's key, time and actor fields, whatever their
    names, get the report id, the time it is about (else when received) and the operator.
    """
    known: dict[str, Any] = {
        "report_id": f"report-{report.id}",
        "operator": report.operator,
        "reported_at": report.received_at,
        "occurred_at": report.occurred_at or report.received_at,
        "category": report.category,
        "place": report.place,
    }
    item = {n: known[n] for n in stream.fields if known.get(n) is not None}
    if stream.key is not None:
        item.setdefault(stream.key, known["report_id"])
    item.setdefault(stream.time, known["occurred_at"])
    if report.operator is not None:
        item.setdefault(stream.actor, report.operator)
    return item


@dataclass(frozen=True)
class Submitted:
    report: PublicReport
    entry: dict[str, Any]
    receipt: Receipt | None


@dataclass(frozen=True)
class Triaged:
    report: PublicReport
    entry: dict[str, Any]
    receipt: Receipt | None
    event: IngestResult | None  # the stream event of an accepted report, if any


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReportDesk:
    """Takes, records and triages reports of every domain (thread-safe; sync calls)."""

    def __init__(self, store: ReportStore, ledger: Ledger | None, ingest: Ingestor,
                 pseudonyms: Pseudonymizer, abuse: limits.AbuseLimits | None = None,
                 clock: Callable[[], dt.datetime] = _now) -> None:
        self.store = store
        self.ledger = ledger
        self.ingest = ingest
        self.pseudonyms = pseudonyms
        self.limits = abuse or limits.AbuseLimits()
        self.clock = clock

    def reporter(self, book: Rulebook, principal: Principal) -> str | None:
        if principal.account_id is None:
            return None
        return self.pseudonyms.pseudonym(book.domain, f"account:{principal.account_id}")

    def submit(self, book: Rulebook, body: Any, principal: Principal,
               address: str | None) -> Submitted:
        """Check the limits, then the report; store it and record it in the ledger."""
        reporter = self.reporter(book, principal)
        keys = [self.limits.client_key(address)]
        if reporter is not None:
            keys.append("reporter:" + reporter)
        self.limits.take(keys)
        now = self.clock()
        submission = parse_submission(body, book, now)
        report = self.store.add(book.domain, submission, reporter, now.isoformat(),
                                sha256_text(submission.text))
        entry = Entry("report.received", now, book.domain, {
            "report": report.id,
            "category": report.category,
            "text_sha256": report.text_sha256,
            "operator": report.operator,
            "place_sha256": sha256_text(report.place) if report.place else None,
            "occurred_at": report.occurred_at,
            "reporter": "account" if reporter is not None else "anonymous",
        })
        receipt = self._append(entry)
        if receipt is not None:
            self.store.set_ledger_index(book.domain, report.id, receipt.index)
            report = self.store.get(book.domain, report.id)
        return Submitted(report, entry.to_dict(), receipt)

    def triage(self, book: Rulebook, report_id: int, body: Any,
               principal: Principal) -> Triaged:
        """A regulator's decision; an accepted report becomes a stream event when declared."""
        if not is_regulator(principal, book.domain):
            raise AccessDenied(f"only the regulator of domain '{book.domain}' triages reports")
        decision = parse_decision(body)
        now = self.clock()
        report = self.store.decide(book.domain, report_id, decision, principal.account_id,
                                   now.isoformat())
        event: IngestResult | None = None
        stream = book.streams.get(STREAM)
        if report.status == "accepted" and stream is not None:
            government = Principal("government", principal.account_id, None, book.domain)
            event = self.ingest.ingest(book.domain, STREAM, [stream_item(report, stream)],
                                       government, source="report")
            self.store.set_event_batch(book.domain, report.id, event.batch_id)
            report = self.store.get(book.domain, report.id)
        body_out: dict[str, Any] = {
            "report": report.id,
            "status": report.status,
            "reason_sha256": sha256_text(decision.reason),
            "duplicate_of": report.duplicate_of,
            "by": {"role": principal.role, "account": principal.account_id},
            "event_batch": report.event_batch,
        }
        entry = Entry("report.triaged", now, book.domain, body_out)
        return Triaged(report, entry.to_dict(), self._append(entry), event)

    def _append(self, entry: Entry) -> Receipt | None:
        return self.ledger.append(entry) if self.ledger is not None else None
