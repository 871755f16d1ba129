"""The credit-decision simulator."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow.compute as pc
import pyarrow.parquet as pq

from .conftest import Evaluated, Run


def test_biased_model_breaks_parity_and_is_rolled_back(
        evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("fintech")
    unmet = ev.unmet("approval-parity", "kumo-credit")
    assert unmet and min(f.window_end for f in unmet) > ev.run.day(27)
    assert "notice" in ev.did("approval-parity", "kumo-credit")
    last = [f for f in ev.findings if f.goal == "approval-parity" and f.actor == "kumo-credit"]
    assert last[-1].status == "met"
    parity = {f.actor for f in ev.findings if f.goal == "approval-parity" and f.status == "unmet"}
    assert parity == {"kumo-credit"}


def test_over_limit_and_late_reports_are_caught(evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated("fintech")
    over = {f.actor for f in ev.findings if f.goal == "small-amount-limit" and f.status == "unmet"}
    late = {f.actor for f in ev.findings if f.goal == "str-filed-on-time" and f.status == "unmet"}
    assert over == {"hoshi-pay"}
    assert late == {"nami-finance"}
    assert "suspend-new-limits" in ev.did("small-amount-limit", "hoshi-pay")
    assert ev.unmet("complaints-within-30-days", "tsuki-lending")


def test_certified_lenders_may_exceed_the_small_amount_ceiling(
        simulated: Callable[..., Run]) -> None:
    run = simulated("fintech")
    d = pq.read_table(run.out / "decisions.parquet")
    certified = d.filter(pc.equal(d.column("scheme"), "certified"))
    assert pc.max(certified.column("limit_yen")).as_py() > 100_000
    declined = d.filter(pc.invert(d.column("approved")))
    assert declined.column("limit_yen").null_count == declined.num_rows
