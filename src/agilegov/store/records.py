"""Plain records the governance state takes and gives (no SQLAlchemy types leak out).

Times are ISO 8601 strings with an offset, as in findings' wire form; a naive string is
taken as UTC. `k` is the instant number of a finding within its goal (as the monitor counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from agilegov.access.roles import Role

T = TypeVar("T")

ActionState = Literal["active", "withdrawn"]


class ItemProblem(Protocol):
    """What quarantine needs of an ingest error (agilegov.ingest.validate.ItemError)."""

    @property
    def index(self) -> int: ...
    @property
    def pointer(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: Role
    operator: str | None
    domain: str | None
    created_at: str
    active: bool = True


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed: never the secret, only its first characters (`hint`)."""

    id: int
    account_id: int
    label: str
    hint: str
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True)
class FindingRow:
    domain: str
    goal: str
    actor: str
    k: int
    window_start: str
    window_end: str
    value: float | None
    target: str
    status: str
    version: int
    revision: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "finding",
            "domain": self.domain,
            "version": self.version,
            "goal": self.goal,
            "actor": self.actor,
            "k": self.k,
            "window_start": self.window_start,
            "window_end": self.window_end,
            "value": self.value,
            "target": self.target,
            "status": self.status,
            "revision": self.revision,
        }


@dataclass(frozen=True)
class ActionRow:
    domain: str
    goal: str
    actor: str
    k: int
    response: int
    at: str
    do: str
    due: str | None
    state: ActionState = "active"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "action",
            "domain": self.domain,
            "goal": self.goal,
            "actor": self.actor,
            "k": self.k,
            "response": self.response,
            "at": self.at,
            "do": self.do,
            "state": self.state,
        }
        if self.due is not None:
            out["due"] = self.due
        return out


@dataclass(frozen=True)
class FindingChange:
    """A finding that is new (revision 0) or revised; `previous` is the state it replaced."""

    kind: Literal["new", "revised"]
    row: FindingRow
    previous: FindingRow | None
    changed_at: str

    def to_dict(self) -> dict[str, Any]:
        out = self.row.to_dict()
        out["change"] = self.kind
        out["changed_at"] = self.changed_at
        if self.previous is not None:
            out["previous"] = {
                "value": self.previous.value,
                "status": self.previous.status,
                "target": self.previous.target,
                "revision": self.previous.revision,
            }
        return out


@dataclass(frozen=True)
class ActionChange:
    """An action that appeared (`new`) or is no longer called for (`withdrawn`)."""

    kind: Literal["new", "withdrawn"]
    row: ActionRow
    changed_at: str

    def to_dict(self) -> dict[str, Any]:
        out = self.row.to_dict()
        out["change"] = self.kind
        out["changed_at"] = self.changed_at
        return out


@dataclass(frozen=True)
class FindingRevisionRow:
    """One revision of a finding: what it became, what it was before, and when."""

    domain: str
    goal: str
    actor: str
    k: int
    revision: int
    value: float | None
    status: str
    target: str
    version: int
    previous_value: float | None
    previous_status: str | None
    previous_target: str | None
    changed_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "value": self.value,
            "status": self.status,
            "target": self.target,
            "version": self.version,
            "previous_value": self.previous_value,
            "previous_status": self.previous_status,
            "previous_target": self.previous_target,
            "changed_at": self.changed_at,
        }


TimeBound = dt.datetime | str | None


@dataclass(frozen=True)
class FindingQuery:
    """Findings of a domain, ordered by goal, actor, window_end.

    `start` <= window_end < `end` (half-open, like windows). `actors` restricts to a set
    (what the caller may see, from `visible_actors`); None = no restriction.
    """

    domain: str
    goal: str | None = None
    actor: str | None = None
    status: str | None = None
    start: TimeBound = None
    end: TimeBound = None
    limit: int = 100
    offset: int = 0
    actors: frozenset[str] | None = None


@dataclass(frozen=True)
class ActionQuery:
    """Actions of a domain, ordered by goal, actor, at, response.

    `start` <= at < `end`. `state` "active" (default) or "withdrawn"; None = both.
    """

    domain: str
    goal: str | None = None
    actor: str | None = None
    state: ActionState | None = "active"
    start: TimeBound = None
    end: TimeBound = None
    limit: int = 100
    offset: int = 0
    actors: frozenset[str] | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: `next_offset` is None on the last page."""

    items: list[T]
    next_offset: int | None
    total: int


@dataclass(frozen=True)
class QuarantineItem:
    """A rejected item kept as it was received, with every problem found in it."""

    id: int
    domain: str
    stream: str
    operator: str | None
    source: str
    index: int
    item: Any
    problems: tuple[tuple[str, str], ...]  # (JSON pointer, message)
    received_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "domain": self.domain,
            "stream": self.stream,
            "operator": self.operator,
            "source": self.source,
            "item": self.index,
            "data": self.item,
            "problems": [{"pointer": p, "message": m} for p, m in self.problems],
            "received_at": self.received_at,
        }


@dataclass(frozen=True)
class BatchRecord:
    domain: str
    stream: str
    batch_id: int
    received: int
    accepted: int
    duplicates: int
    rejected: int
    sha256: str
    source: str
    recorded_at: str


@dataclass(frozen=True)
class Webhook:
    """Where actions are posted. `operator` limits it to that operator's actions (None = all)."""

    id: int
    domain: str
    url: str
    secret: str
    operator: str | None
    active: bool
    created_at: str
    events: tuple[str, ...] = ("action",)


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver one event to a webhook."""

    id: int
    webhook_id: int
    delivery: str  # same id for every attempt of the same event
    attempt: int
    ok: bool
    status_code: int | None
    error: str | None
    payload: str
    at: str
