"""Ledger entries: the bytes of a governance act as canonical JSON (RFC 8785, JCS).

An entry is a JSON object with at least `kind`, `at` (ISO 8601 with a UTC offset),
`domain` and `body` (an object). Canonical bytes make the leaf hash reproducible by
anyone with a JCS implementation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import rfc8785

from agilegov.errors import Problem
from agilegov.ledger.errors import LedgerError

# Entries are served in C2SP entry bundles, whose length prefixes are 16-bit.
MAX_ENTRY_BYTES = 0xFFFF
REQUIRED = ("kind", "at", "domain", "body")

# The kinds of governance acts the platform records (others are allowed; these are documented).
KINDS = (
    "rulebook.adopted",
    "events.received",
    "findings.published",
    "action.taken",
    "case.moved",
    "proposal.made",
    "vote.cast",
    "decision.made",
    "retention.purged",
    "key.rotated",
    "self-report.received",  # an operator's self-report (agilegov.cases.entries)
    "investigation.recorded",  # an investigation created or corrected (hashes of its texts)
    "investigation.published",  # an investigation published with its public summary
    "pseudonym.rotated",  # a domain's pseudonym key changed (agilegov.ledger.acts)
    "report.received",  # a report from the public: hashes of what was written (agilegov.reports)
    "report.triaged",  # a regulator's decision on a report: status, the reason's hash
)


def format_instant(at: dt.datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with a `Z`, microseconds only when present."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise LedgerError("an entry's 'at' must be an aware datetime (with a UTC offset)")
    utc = at.astimezone(dt.UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


@dataclass(frozen=True)
class Entry:
    """One governance act. `extra` holds further top-level members (never the required ones)."""

    kind: str
    at: dt.datetime
    domain: str
    body: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clash = sorted(set(self.extra) & set(REQUIRED))
        if clash:
            raise LedgerError(f"extra members may not redefine {', '.join(clash)}")
        out: dict[str, Any] = dict(self.extra)
        out.update(kind=self.kind, at=format_instant(self.at), domain=self.domain,
                   body=dict(self.body))
        return out

    def canonical(self) -> bytes:
        """The entry's bytes: RFC 8785 canonical JSON of its object."""
        return canonical_json(self.to_dict())


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of a JSON object, checked to be a valid ledger entry."""
    check_object(obj)
    try:
        data = rfc8785.dumps(dict(obj))
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise LedgerError(f"the entry cannot be written as canonical JSON: {exc}") from exc
    if len(data) > MAX_ENTRY_BYTES:
        raise LedgerError(
            f"an entry is {len(data)} bytes; at most {MAX_ENTRY_BYTES} are allowed "
            "(store large payloads as hashes)"
        )
    return data


def check_object(obj: Mapping[str, Any]) -> None:
    problems: list[Problem] = []
    for name in REQUIRED:
        if name not in obj:
            problems.append(Problem(f"missing required member '{name}'", pointer=f"/{name}"))
    for name in ("kind", "at", "domain"):
        if name in obj and (not isinstance(obj[name], str) or not obj[name]):
            problems.append(Problem("expected a non-empty string", pointer=f"/{name}"))
    if "body" in obj and not isinstance(obj["body"], Mapping):
        problems.append(Problem("expected an object", pointer="/body"))
    if isinstance(obj.get("at"), str) and obj["at"]:
        try:
            parsed = dt.datetime.fromisoformat(obj["at"])
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            problems.append(Problem("expected an ISO 8601 instant with a UTC offset",
                                    pointer="/at"))
    if problems:
        raise LedgerError(problems)


def parse_entry(data: bytes, index: int | None = None) -> dict[str, Any]:
    """The object of an entry's bytes, checked to be canonical and to have the required members."""
    where = f"entry {index}: " if index is not None else ""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"{where}not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise LedgerError(f"{where}expected a JSON object")
    try:
        canonical = canonical_json(obj)
    except LedgerError as exc:
        raise LedgerError([Problem(where + p.message, pointer=p.pointer)
                           for p in exc.problems]) from exc
    if canonical != data:
        raise LedgerError(f"{where}the bytes are not RFC 8785 canonical JSON")
    return obj
