"""The fast engine agrees with the reference evaluator on random rulebooks and data."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import events, rulebooks, write_stream

from agilegov.engine.reference import evaluate_reference
from agilegov.rulebook.model import Rulebook


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if set(a) != set(b):
        return False
    for key, x in a.items():
        y = b[key]
        if isinstance(x, float) and isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12):
                return False
        elif x != y:
            return False
    return True


def _assert_same(got: list[dict[str, Any]], want: list[dict[str, Any]], what: str) -> None:
    assert len(got) == len(want), f"{what}: {len(got)} != {len(want)}\n{got}\n{want}"
    for g, w in zip(got, want, strict=True):
        assert _same(g, w), f"{what} differ:\n fast      {g}\n reference {w}"


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Rulebook, dict[str, list[dict[str, Any]]],
                                        dict[str, str], bool, dt.datetime, dt.datetime]:
    rulebook = draw(rulebooks())
    data = draw(events(rulebook))
    formats = {name: draw(st.sampled_from(("csv", "jsonl", "parquet"))) for name in data}
    naive = draw(st.booleans())
    tz = ZoneInfo(rulebook.timezone)
    first = rulebook.effective_from + dt.timedelta(days=draw(st.integers(-3, 1)))
    start = dt.datetime.combine(first, dt.time(draw(st.sampled_from((0, 1, 12)))), tzinfo=tz)
    end = start + dt.timedelta(days=draw(st.integers(0, 7)), hours=draw(st.sampled_from((0, 5))))
    return rulebook, data, formats, naive, start, end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_fast_engine_matches_reference(
    scenario: tuple[Rulebook, dict[str, list[dict[str, Any]]], dict[str, str], bool,
                    dt.datetime, dt.datetime],
) -> None:
    from agilegov.engine.evaluate import evaluate

    rulebook, data, formats, naive, start, end = scenario
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, rows in data.items():
            write_stream(folder, rulebook.streams[name], rows, formats[name], naive)
        want_findings, want_actions = evaluate_reference(rulebook, folder, start, end)
        result = evaluate(rulebook, folder, start, end)
    _assert_same([f.to_dict() for f in result.findings],
                 [f.to_dict() for f in want_findings], "findings")
    _assert_same([a.to_dict() for a in result.actions],
                 [a.to_dict() for a in want_actions], "actions")


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_reference_findings_are_in_contract_order(
    scenario: tuple[Rulebook, dict[str, list[dict[str, Any]]], dict[str, str], bool,
                    dt.datetime, dt.datetime],
) -> None:
    rulebook, data, formats, naive, start, end = scenario
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, rows in data.items():
            write_stream(folder, rulebook.streams[name], rows, formats[name], naive)
        findings, actions = evaluate_reference(rulebook, folder, start, end)
    keys = [(f.goal, f.actor, f.window_end.astimezone(dt.UTC)) for f in findings]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for f in findings:
        assert f.window_start < f.window_end
        assert start <= f.window_end <= end
        assert (f.value is None) <= (f.status == "insufficient")
    akeys = [(a.goal, a.actor, a.at.astimezone(dt.UTC), a.response) for a in actions]
    assert akeys == sorted(akeys)
