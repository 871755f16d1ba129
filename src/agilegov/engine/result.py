"""An evaluation's result: findings (kept columnar until asked for) and actions."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from agilegov.data.load import Quarantine
from agilegov.engine.calendar import shift
from agilegov.engine.findings import Action, Finding, Status, action_order, iso
from agilegov.engine.plan import Plan
from agilegov.rulebook.model import Rulebook


@dataclass
class Evaluation:
    rulebook: Rulebook
    plan: Plan
    table: pa.Table  # g (goal index), a, k, value, status; in the contract's order
    actions: list[Action]
    quarantine: Quarantine | None = None

    @classmethod
    def empty(cls, rulebook: Rulebook, plan: Plan, quarantine: Quarantine | None) -> Evaluation:
        schema = pa.schema(
            [
                ("g", pa.int32()),
                ("a", pa.string()),
                ("k", pa.int64()),
                ("value", pa.float64()),
                ("status", pa.string()),
            ]
        )
        return cls(rulebook, plan, schema.empty_table(), [], quarantine)

    @classmethod
    def build(
        cls,
        rulebook: Rulebook,
        plan: Plan,
        table: pa.Table,
        fired: list[tuple[int, str, int, int]],
        rank: dict[int, int],
        quarantine: Quarantine | None,
    ) -> Evaluation:
        ranks = pa.array([rank[g] for g in range(len(plan.goals))], type=pa.int64())
        goal_rank = pc.take(ranks, table.column("g"))
        table = table.append_column("rank", goal_rank)
        table = table.sort_by([("rank", "ascending"), ("a", "ascending"), ("k", "ascending")])
        table = table.drop_columns(["rank"])
        actions: list[Action] = []
        for g, a, k, ri in fired:
            gw = plan.goals[g]
            window = gw.windows[k - gw.windows[0].k]
            response = rulebook.responses[ri]
            due = shift(window.end, response.due, 1, plan.tz) if response.due is not None else None
            actions.append(Action(rulebook.domain, gw.goal.id, a, window.end, response.do, due, ri))
        actions.sort(key=action_order)
        return cls(rulebook, plan, table, actions, quarantine)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def _columns(self) -> tuple[list[int], list[str], list[int], list[float | None], list[str]]:
        t = self.table
        return (
            t.column("g").to_pylist(),
            t.column("a").to_pylist(),
            t.column("k").to_pylist(),
            t.column("value").to_pylist(),
            t.column("status").to_pylist(),
        )

    @functools.cached_property
    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        book = self.rulebook
        for g, a, k, value, status in zip(*self._columns(), strict=True):
            gw = self.plan.goals[g]
            j = k - gw.windows[0].k
            w = gw.windows[j]
            st: Status = status  # type: ignore[assignment]
            out.append(
                Finding(
                    book.domain,
                    book.version,
                    gw.goal.id,
                    a,
                    w.start,
                    w.end,
                    value,
                    gw.targets[j].text,
                    st,
                )
            )
        return out

    def finding_dicts(self) -> list[dict[str, Any]]:
        """The wire form of every finding, without building Finding objects."""
        book = self.rulebook
        text: dict[tuple[int, int], tuple[str, str, str]] = {}
        out: list[dict[str, Any]] = []
        for g, a, k, value, status in zip(*self._columns(), strict=True):
            key = (g, k)
            if key not in text:
                gw = self.plan.goals[g]
                j = k - gw.windows[0].k
                text[key] = (iso(gw.windows[j].start), iso(gw.windows[j].end), gw.targets[j].text)
            start, end, target = text[key]
            out.append(
                {
                    "kind": "finding",
                    "domain": book.domain,
                    "version": book.version,
                    "goal": self.plan.goals[g].goal.id,
                    "actor": a,
                    "window_start": start,
                    "window_end": end,
                    "value": value,
                    "target": target,
                    "status": status,
                }
            )
        return out
