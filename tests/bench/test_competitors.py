"""Every benchmark competitor computes the same findings on a tiny data set."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from bench.agree import compare
from bench.common import FIRST_INSTANT, GOALS, LAST_INSTANT, RESULT_SCHEMA, instant_us
from bench.competitors import COMPETITORS
from bench.generate import ensure

CHECKED = ["duckdb-per-goal", "polars", "python", "agilegov", "agilegov-objects"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure(5000, tmp_path_factory.mktemp("bench-data"), seed=3)


@pytest.fixture(scope="module")
def baseline(data_dir: Path) -> pa.Table:
    c = COMPETITORS["duckdb-single"]
    table: pa.Table = c.to_result(c.run(data_dir))
    return table


def test_the_baseline_has_every_goal_and_instant(baseline: pa.Table) -> None:
    assert baseline.schema == RESULT_SCHEMA
    df = pl.from_arrow(baseline)
    assert isinstance(df, pl.DataFrame)
    assert set(df["goal"].unique()) == {g.id for g in GOALS}
    per_all = df.filter(pl.col("goal") == "network-km")
    # per: all has exactly one finding per instant, even where no events fall in the window
    assert per_all.height == LAST_INSTANT - FIRST_INSTANT + 1
    assert set(per_all["actor"]) == {"*"}
    assert per_all["window_end_us"].min() == instant_us(FIRST_INSTANT)
    assert per_all.filter(pl.col("window_end_us") == instant_us(FIRST_INSTANT))["value"][0] == 0
    # the first instant's window holds no events, so no actor has a finding there
    actors = df.filter(pl.col("actor") != "*")
    assert actors["window_end_us"].min() > instant_us(FIRST_INSTANT)
    assert set(df["status"].unique()) <= {"met", "unmet", "insufficient"}
    assert df.filter(pl.col("value").is_null())["status"].unique().to_list() == ["insufficient"]


@pytest.mark.parametrize("name", CHECKED)
def test_competitor_agrees_with_the_single_pass_query(
        name: str, data_dir: Path, baseline: pa.Table) -> None:
    c = COMPETITORS[name]
    result = c.to_result(c.run(data_dir))
    agreement = compare(baseline, result)
    assert agreement.ok, agreement.summary() + "; " + "; ".join(agreement.examples)
    assert agreement.findings == baseline.num_rows > 0


def test_a_changed_value_is_a_disagreement(baseline: pa.Table) -> None:
    df = pl.from_arrow(baseline)
    assert isinstance(df, pl.DataFrame)
    first = df.with_row_index("i").filter(pl.col("value").is_not_null())["i"][0]
    changed = df.with_columns(  # change one defined value (undefined + 1 stays undefined)
        pl.when(pl.int_range(pl.len()) == first).then(pl.col("value") + 1)
        .otherwise(pl.col("value")).alias("value"))
    agreement = compare(baseline, changed.to_arrow().cast(RESULT_SCHEMA))
    assert not agreement.ok
    assert agreement.value_diffs == 1 and agreement.missing == agreement.extra == 0
    fewer = compare(baseline, baseline.slice(1))
    assert fewer.missing == 1 and not fewer.ok
