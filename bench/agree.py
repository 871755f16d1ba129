"""Do two competitors' findings agree? Same keys, same status, values within rounding."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from bench.common import GOAL_BY_ID

REL = 1e-9  # engines may add floats in any order


@dataclass(frozen=True)
class Agreement:
    findings: int  # in the baseline
    missing: int  # in the baseline, not in the other
    extra: int  # in the other, not in the baseline
    value_diffs: int
    status_diffs: int  # excluding values within rounding of the threshold
    examples: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.value_diffs or self.status_diffs)

    def summary(self) -> str:
        if self.ok:
            return f"agrees on all {self.findings} findings"
        return (f"{self.missing} missing, {self.extra} extra, {self.value_diffs} values and "
                f"{self.status_diffs} statuses differ (of {self.findings})")


def _close(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    both_null = a.is_null() & b.is_null()
    near = (a - b).abs() <= REL * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0))
    return both_null | (a.is_not_null() & b.is_not_null() & near)


def _near_threshold(goal: pl.Expr, value: pl.Expr) -> pl.Expr:
    thresholds = [(g, t.value) for g, spec in GOAL_BY_ID.items() for t in spec.targets]
    cond = pl.lit(False)
    for g, v in thresholds:
        cond = cond | ((goal == g) & ((value - v).abs() <= REL * max(abs(v), 1.0)))
    return cond


def compare(baseline: pa.Table, other: pa.Table) -> Agreement:
    keys = ["goal", "actor", "window_end_us"]
    a, b = pl.from_arrow(baseline), pl.from_arrow(other)
    assert isinstance(a, pl.DataFrame) and isinstance(b, pl.DataFrame)
    j = a.join(b, on=keys, how="full", suffix="_o", coalesce=False)
    missing = j.filter(pl.col("goal_o").is_null())
    extra = j.filter(pl.col("goal").is_null())
    both = j.filter(pl.col("goal").is_not_null() & pl.col("goal_o").is_not_null())
    vdiff = both.filter(~_close(pl.col("value"), pl.col("value_o")))
    sdiff = both.filter((pl.col("status") != pl.col("status_o"))
                        & ~_near_threshold(pl.col("goal"), pl.col("value")))
    examples = [
        f"{r['goal']} {r['actor']} {r['window_end_us']}: {r['value']} {r['status']} vs "
        f"{r['value_o']} {r['status_o']}"
        for r in pl.concat([vdiff, sdiff]).head(3).iter_rows(named=True)
    ] + [f"missing {r['goal']} {r['actor']} {r['window_end_us']}"
         for r in missing.head(2).iter_rows(named=True)] + [
        f"extra {r['goal_o']} {r['actor_o']} {r['window_end_us_o']}"
        for r in extra.head(2).iter_rows(named=True)]
    return Agreement(a.height, missing.height, extra.height, vdiff.height, sdiff.height,
                     tuple(examples))
