"""The benchmark data are deterministic, split by stream, and cached by size and seed."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from bench.common import STREAMS
from bench.generate import ensure, parse_size, size_label, split_sizes


def test_sizes_parse_and_print() -> None:
    assert parse_size("100k") == 100_000 and parse_size("50M") == 50_000_000
    assert size_label(1_000_000) == "1M" and size_label(5000) == "5k"
    with pytest.raises(ValueError, match="expected a size"):
        parse_size("lots")


def test_split_adds_up() -> None:
    rows = split_sizes(12_345)
    assert sum(rows.values()) == 12_345 and set(rows) == set(STREAMS)


def test_same_seed_same_data_and_time_order(tmp_path: Path) -> None:
    a = ensure(3000, tmp_path / "a", seed=1)
    b = ensure(3000, tmp_path / "b", seed=1)
    c = ensure(3000, tmp_path / "c", seed=2)
    trips_a = pq.read_table(a / "trips.parquet")
    assert trips_a.equals(pq.read_table(b / "trips.parquet"))
    assert not trips_a.equals(pq.read_table(c / "trips.parquet"))
    ended = trips_a.column("ended_at").to_pylist()
    assert ended == sorted(ended)
    assert sum(pq.read_metadata(a / f"{s}.parquet").num_rows for s in STREAMS) == 3000


def test_a_cached_data_set_is_not_rewritten(tmp_path: Path) -> None:
    d = ensure(2000, tmp_path, seed=1)
    stamp = (d / "trips.parquet").stat().st_mtime_ns
    assert ensure(2000, tmp_path, seed=1) == d
    assert (d / "trips.parquet").stat().st_mtime_ns == stamp
