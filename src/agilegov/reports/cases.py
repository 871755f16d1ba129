"""Enforcement cases as the accountability report counts them (a `CaseSource`).

Counts the cases opened in the period: by the state they are in now, how many are closed,
how many earned credit for honesty, how many were appealed. No operator is named.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from agilegov.cases.model import CLOSED_STATES, OPEN_STATES, CaseRecord
from agilegov.cases.store import CaseStore

PAGE = 1000


class CaseOutcomes:
    def __init__(self, cases: CaseStore) -> None:
        self.cases = cases

    def _all(self, domain: str) -> Iterator[CaseRecord]:
        offset = 0
        while True:
            items, total = self.cases.search(domain, limit=PAGE, offset=offset)
            yield from items
            offset += len(items)
            if not items or offset >= total:
                return

    def case_summary(self, domain: str, start: dt.datetime | None,
                     end: dt.datetime | None) -> dict[str, Any]:
        def inside(text: str) -> bool:
            t = dt.datetime.fromisoformat(text)
            if t.tzinfo is None:
                t = t.replace(tzinfo=dt.UTC)
            return (start is None or t >= start) and (end is None or t < end)

        opened = [c for c in self._all(domain) if inside(c.opened_at)]
        states = Counter(c.state for c in opened)
        closed = sum(states[s] for s in CLOSED_STATES)
        return {
            "opened": len(opened),
            "closed": closed,
            "still_open": len(opened) - closed,
            "by_state": {s: states[s] for s in (*OPEN_STATES, *CLOSED_STATES) if states[s]},
            "with_credit": sum(1 for c in opened if c.credit),
            "appealed": sum(1 for c in opened if c.appeal_from is not None
                            or c.state.startswith("appeal")),
        }
