"""After any sequence of batches, the live monitor's latest findings and actions equal
`agilegov evaluate` on the same data (random rulebooks, data, batch splits and orders)."""

from __future__ import annotations

import datetime as dt
import math
import random
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.monitor.sinks import dedup, to_engine
from tests.strategies import events, rulebooks, write_stream

from agilegov.engine.calendar import anchor
from agilegov.engine.evaluate import evaluate
from agilegov.monitor import Monitor
from agilegov.rulebook.model import Rulebook
from agilegov.store.records import ActionQuery, FindingQuery
from agilegov.store.state import StateStore


def _all_findings(state: StateStore, domain: str) -> dict[tuple[str, str, str], tuple[Any, str]]:
    out: dict[tuple[str, str, str], tuple[Any, str]] = {}
    offset: int | None = 0
    while offset is not None:
        page = state.findings(FindingQuery(domain, limit=500, offset=offset))
        for f in page.items:
            out[(f.goal, f.actor, f.window_end)] = (f.value, f.status)
        offset = page.next_offset
    return out


def _all_actions(state: StateStore, domain: str) -> list[tuple[str, str, str, str, str | None]]:
    page = state.actions(ActionQuery(domain, limit=10_000))
    return sorted((a.goal, a.actor, a.at, a.do, a.due) for a in page.items)


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulebooks(), st.data(), st.sampled_from((0, 1, 6, 30)), st.integers(1, 6), st.randoms())
def test_monitor_equals_batch_engine(
    rulebook: Rulebook, data: st.DataObject, lateness_h: int, pieces: int, rng: random.Random
) -> None:
    rows = data.draw(events(rulebook))
    batches: list[tuple[str, list[dict[str, Any]]]] = []
    stored: dict[str, list[dict[str, Any]]] = {}
    for name, items in rows.items():
        order = list(items)
        rng.shuffle(order)
        stored[name] = dedup(rulebook, name, order)
        size = max(1, math.ceil(len(stored[name]) / pieces))
        batches += [(name, stored[name][i : i + size]) for i in range(0, len(stored[name]), size)]
    rng.shuffle(batches)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        state = StateStore(f"sqlite:///{folder / 'state.sqlite'}")
        monitor = Monitor(
            None,
            None,
            state,
            rulebook_source=lambda _d: rulebook,  # type: ignore[arg-type]
            default_lateness=dt.timedelta(hours=lateness_h),
        )
        for name, part in batches:
            monitor.on_batch(rulebook.domain, name, to_engine(rulebook, name, part))
        for name, stream in rulebook.streams.items():
            write_stream(folder, stream, stored[name], "parquet", naive=False)
        watermark = monitor.watermark(rulebook.domain)
        got = _all_findings(state, rulebook.domain)
        if watermark is None:
            assert got == {}
            return
        tz = ZoneInfo(rulebook.timezone)
        result = evaluate(rulebook, folder, anchor(rulebook.effective_from, tz), watermark)
        want = {
            (f["goal"], f["actor"], f["window_end"]): (f["value"], f["status"])
            for f in result.finding_dicts()
        }
        assert set(got) == set(want)
        for key, (value, status) in want.items():
            assert got[key][1] == status, key
            assert _close(got[key][0], value), (key, got[key], value)
        expected = sorted(
            (a.goal, a.actor, a.at.isoformat(), a.do, a.due.isoformat() if a.due else None)
            for a in result.actions
        )
        assert _all_actions(state, rulebook.domain) == expected
        state.close()
