"""Running the simulators: determinism, declared shape of every stream, evaluable results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from agilegov.domains.catalog import DOMAINS, rulebook_path
from agilegov.domains.declared import read_declarations
from agilegov.domains.parquet_out import arrow_schema
from agilegov.domains.simulate import simulate
from agilegov.errors import UsageError
from agilegov.rulebook.model import FieldSpec

from .conftest import Evaluated, Run

NAMES = sorted(DOMAINS)


def file_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_bytes_other_seed_other_data(name: str, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts_a = simulate(name, 8, a, seed=3)
    counts_b = simulate(name, 8, b, seed=3)
    simulate(name, 8, c, seed=4)
    assert counts_a == counts_b
    assert file_bytes(a) == file_bytes(b)
    first = next(iter(counts_a))
    assert pq.read_table(a / f"{first}.parquet") != pq.read_table(c / f"{first}.parquet")


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_stream_is_written_with_its_columns(
        name: str, simulated: Callable[..., Run]) -> None:
    run = simulated(name)
    decl = read_declarations(rulebook_path(name))
    assert set(run.counts) == set(run.rulebook.streams)
    assert sorted(p.name for p in run.out.iterdir()) == sorted(
        f"{s}.parquet" for s in run.rulebook.streams)
    for s, stream_decl in decl.streams.items():
        table = pq.read_table(run.out / f"{s}.parquet")
        assert table.schema == arrow_schema(stream_decl)
        assert table.num_rows == run.counts[s] > 0


def _check_field(table: pa.Table, spec: FieldSpec, where: str) -> None:
    col = table.column(spec.name)
    if spec.required:
        assert col.null_count == 0, where
    if spec.min is not None and len(col) > col.null_count:
        assert pc.min(col).as_py() >= spec.min, where
    if spec.max is not None and len(col) > col.null_count:
        assert pc.max(col).as_py() <= spec.max, where
    if spec.values is not None:
        seen: set[Any] = set(pc.unique(col).to_pylist()) - {None}
        assert seen <= set(spec.values), where


@pytest.mark.parametrize("name", NAMES)
def test_values_respect_the_declarations(name: str, simulated: Callable[..., Run]) -> None:
    run = simulated(name)
    for stream in run.rulebook.streams.values():
        table = pq.read_table(run.out / f"{stream.name}.parquet")
        for spec in stream.fields.values():
            _check_field(table, spec, f"{name}/{stream.name}/{spec.name}")
        times = table.column(stream.time)
        assert table.column(stream.actor).null_count == 0
        assert pc.min(times).as_py() >= run.start
        assert pc.max(times).as_py() < run.day(90)
        if stream.key is not None:
            keys = table.column(stream.key)
            assert len(pc.unique(keys)) == len(keys), f"{name}/{stream.name}: repeated key"


@pytest.mark.parametrize("name", NAMES)
def test_volume_is_realistic_for_ninety_days(name: str, simulated: Callable[..., Run]) -> None:
    run = simulated(name)
    assert 50_000 <= sum(run.counts.values()) <= 300_000
    actors = set()
    for stream in run.rulebook.streams.values():
        table = pq.read_table(run.out / f"{stream.name}.parquet", columns=[stream.actor])
        actors |= set(pc.unique(table.column(stream.actor)).to_pylist())
    assert 6 <= len(actors) <= 24


@pytest.mark.parametrize("name", NAMES)
def test_evaluation_gives_met_and_unmet_and_fires_responses(
        name: str, evaluated: Callable[[str], Evaluated]) -> None:
    ev = evaluated(name)
    statuses = {f.status for f in ev.findings}
    assert {"met", "unmet"} <= statuses
    fired = {(r.kind, r.do) for r in ev.run.rulebook.responses
             for a in ev.actions if a.do == r.do and r.applies_to(a.goal)}
    assert {kind for kind, _ in fired} == {"met", "unmet"}


def test_start_defaults_to_effective_from_and_can_be_moved(tmp_path: Path) -> None:
    simulate("fintech", 2, tmp_path / "a", seed=1)
    simulate("fintech", 2, tmp_path / "b", seed=1, start=dt.date(2026, 9, 1))
    a = pq.read_table(tmp_path / "a" / "decisions.parquet").column("decided_at")
    b = pq.read_table(tmp_path / "b" / "decisions.parquet").column("decided_at")
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert pc.min(a).as_py().astimezone(tokyo).date() == dt.date(2026, 4, 1)
    assert pc.max(a).as_py().astimezone(tokyo).date() == dt.date(2026, 4, 2)
    assert pc.min(b).as_py().astimezone(tokyo).date() == dt.date(2026, 9, 1)


def test_bad_arguments_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        simulate("mobility", 0, tmp_path)
    with pytest.raises(UsageError, match="unknown domain 'traffic'"):
        simulate("traffic", 5, tmp_path)
