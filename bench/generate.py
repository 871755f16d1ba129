"""Deterministic Parquet event data for the benchmark rulebook.

`generate(n_events, out_dir, seed)` writes `trips.parquet`, `incidents.parquet`
and `interventions.parquet` (85% / 3% / 12% of the events) covering the local
year 2026 in Asia/Tokyo for 100 operators of very different sizes (some enter
the market during the year, one reports only from the summer on). Files are
written in chunks of at most 256k rows (one row group each), in time order,
every chunk drawn from its own seeded generator so that a data set depends
only on its size and seed. `ensure(n_events, root)` caches by size and seed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.common import DATA_DAYS, DAY_US, FIRST_DAY, OFFSET_US, STREAMS

N_ACTORS = 100
ROBOTS_PER_ACTOR = 12
N_REPORTERS = 5000
CHUNK_ROWS = 256 * 1024
SHARES = {"trips": 0.85, "incidents": 0.03, "interventions": 0.12}
FORMAT_VERSION = 1  # bump when the data changes, to invalidate caches

ACTORS = [f"op-{i:03d}" for i in range(N_ACTORS)]
ROBOTS = [f"{a}-r{j:02d}" for a in ACTORS for j in range(ROBOTS_PER_ACTOR)]
REPORTERS = [f"citizen-{k:05d}" for k in range(N_REPORTERS)]
ZONES = ["residential", "commercial", "school", "park"]
KINDS = ["collision", "near-miss", "obstruction", "fall", "other"]
REASONS = ["obstacle", "crossing", "weather", "fault", "other"]

YEAR_START_US = FIRST_DAY * DAY_US - OFFSET_US
YEAR_US = DATA_DAYS * DAY_US


def split_sizes(n_events: int) -> dict[str, int]:
    """Rows per stream; they add up to n_events."""
    incidents = int(n_events * SHARES["incidents"])
    interventions = int(n_events * SHARES["interventions"])
    return {
        "trips": n_events - incidents - interventions,
        "incidents": incidents,
        "interventions": interventions,
    }


def _actor_weights() -> np.ndarray:
    # Zipf-like market shares: a few large operators, a long tail of small ones.
    w = 1.0 / np.arange(1, N_ACTORS + 1) ** 0.8
    return np.asarray(w / w.sum())


def _entry_us() -> np.ndarray:
    """When each operator starts operating: most from the start, a few later."""
    entry = np.zeros(N_ACTORS, dtype=np.int64)
    entry[90:] = (np.arange(10) * 30 + 20) * DAY_US  # entrants during the year
    entry[45] = 181 * DAY_US  # a mid-sized operator that starts in July
    return entry + YEAR_START_US


def _times(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    """Sorted event times in [lo, hi) with more events by day than by night."""
    t = rng.integers(lo, hi, size=n, dtype=np.int64)
    # Shift a third of night events (local 0:00-6:00) into the afternoon.
    local_hour = ((t + OFFSET_US) % DAY_US) // (3600 * 1_000_000)
    move = (local_hour < 6) & (rng.random(n) < 0.66)
    t = np.where(move, t + 12 * 3600 * 1_000_000, t)
    t = np.minimum(t, hi - 1)
    t.sort()
    return t


def _actors(rng: np.random.Generator, times: np.ndarray) -> np.ndarray:
    """Actor indices, respecting market entry (an entrant has no events before entry)."""
    actor = rng.choice(N_ACTORS, size=len(times), p=_actor_weights())
    entry = _entry_us()
    early = times < entry[actor]
    if early.any():
        actor[early] = rng.integers(0, 40, size=int(early.sum()))
    return np.asarray(actor)


def _strings(values: list[str], idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(idx))


def _ts(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(us, pa.timestamp("us", tz="UTC"), mask=mask)


def _trips(rng: np.random.Generator, times: np.ndarray, first_row: int) -> pa.Table:
    n = len(times)
    actor = _actors(rng, times)
    robot = actor * ROBOTS_PER_ACTOR + rng.integers(0, ROBOTS_PER_ACTOR, size=n)
    minutes = rng.lognormal(mean=2.9, sigma=0.6, size=n)
    km = np.round(rng.gamma(shape=2.0, scale=1.2, size=n), 3)
    aborted = rng.random(n) < 0.02
    km = np.where(aborted, np.round(rng.random(n) * 0.15, 3), km)
    delivered = (~aborted) & (rng.random(n) < 0.975)
    speed = np.round(np.clip(rng.normal(4.8, 0.5, size=n), 1.0, 6.6), 2)
    payload = np.round(rng.gamma(shape=3.0, scale=2.5, size=n), 2)
    return pa.table({
        "trip_id": pc.binary_join_element_wise(
            "t", pa.array(np.arange(first_row, first_row + n)).cast(pa.string()), ""),
        "operator": _strings(ACTORS, actor),
        "robot_id": _strings(ROBOTS, robot),
        "started_at": _ts(times - (minutes * 60e6).astype(np.int64)),
        "ended_at": _ts(times),
        "km": pa.array(km, pa.float64()),
        "delivered": pa.array(delivered),
        "zone": _strings(ZONES, rng.choice(4, size=n, p=[0.45, 0.35, 0.08, 0.12])),
        "max_speed_kmh": pa.array(speed, pa.float64()),
        "payload_kg": pa.array(payload, pa.float64(), mask=rng.random(n) < 0.03),
        "battery_end_pct": pa.array(rng.integers(5, 101, size=n), pa.int64()),
    })


def _incidents(rng: np.random.Generator, times: np.ndarray, first_row: int) -> pa.Table:
    n = len(times)
    actor = _actors(rng, times)
    robot = actor * ROBOTS_PER_ACTOR + rng.integers(0, ROBOTS_PER_ACTOR, size=n)
    delay = (rng.exponential(4 * 3600e6, size=n)).astype(np.int64)
    severity = rng.choice(5, size=n, p=[0.55, 0.3, 0.1, 0.04, 0.01])
    return pa.table({
        "operator": _strings(ACTORS, actor),
        "robot_id": _strings(ROBOTS, robot),
        "occurred_at": _ts(times),
        "reported_at": _ts(times + delay, mask=rng.random(n) < 0.02),
        "severity": pa.array(severity, pa.int64()),
        "kind": _strings(KINDS, rng.choice(5, size=n, p=[0.1, 0.45, 0.3, 0.05, 0.1])),
        "reporter": pc.if_else(
            pa.array(rng.random(n) < 0.1), pa.scalar(None, pa.string()),
            _strings(REPORTERS, rng.integers(0, N_REPORTERS, size=n))),
    })


def _interventions(rng: np.random.Generator, times: np.ndarray, first_row: int) -> pa.Table:
    n = len(times)
    actor = _actors(rng, times)
    robot = actor * ROBOTS_PER_ACTOR + rng.integers(0, ROBOTS_PER_ACTOR, size=n)
    duration = np.round(rng.lognormal(mean=4.2, sigma=0.9, size=n), 1)
    return pa.table({
        "operator": _strings(ACTORS, actor),
        "robot_id": _strings(ROBOTS, robot),
        "at": _ts(times),
        "reason": _strings(REASONS, rng.choice(5, size=n, p=[0.4, 0.25, 0.1, 0.15, 0.1])),
        "duration_s": pa.array(duration, pa.float64(), mask=rng.random(n) < 0.01),
    })


MAKERS: dict[str, Callable[[np.random.Generator, np.ndarray, int], pa.Table]] = {
    "trips": _trips,
    "incidents": _incidents,
    "interventions": _interventions,
}


def write_stream(stream: str, rows: int, path: Path, seed: int,
                 progress: Callable[[int], None] | None = None) -> None:
    """Write one stream's file: chunks over consecutive slices of the year."""
    n_chunks = max(1, -(-rows // CHUNK_ROWS))
    tmp = path.with_suffix(".parquet.tmp")
    writer: pq.ParquetWriter | None = None
    done = 0
    for c in range(n_chunks):
        n = rows // n_chunks + (1 if c < rows % n_chunks else 0)
        lo = YEAR_START_US + YEAR_US * c // n_chunks
        hi = YEAR_START_US + YEAR_US * (c + 1) // n_chunks
        rng = np.random.default_rng([seed, STREAMS.index(stream), c])
        table = MAKERS[stream](rng, _times(rng, n, lo, hi), done)
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=CHUNK_ROWS)
        done += n
        if progress is not None:
            progress(n)
    if writer is None:  # no rows at all: still write an empty, typed file
        empty = MAKERS[stream](np.random.default_rng(seed), np.zeros(0, np.int64), 0)
        pq.write_table(empty, tmp)
    else:
        writer.close()
    tmp.replace(path)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def parse_size(text: str) -> int:
    t = text.strip().lower()
    mult = {"k": 1000, "m": 1_000_000}.get(t[-1:], 1)
    digits = t[:-1] if mult != 1 else t
    if not digits.isdigit():
        raise ValueError(f"expected a size such as 100k, 1M or 50M, got {text!r}")
    return int(digits) * mult


def dataset_dir(root: Path, n_events: int, seed: int) -> Path:
    return root / f"events-{size_label(n_events)}-seed{seed}"


def ensure(n_events: int, root: Path, seed: int = 7,
           progress: Callable[[int], None] | None = None) -> Path:
    """The data set of n_events (generating it unless it is cached); its directory."""
    out = dataset_dir(root, n_events, seed)
    stamp = out / "dataset.json"
    meta = {"events": n_events, "seed": seed, "format": FORMAT_VERSION,
            "rows": split_sizes(n_events)}
    if stamp.exists() and json.loads(stamp.read_text()) == meta:
        if progress is not None:
            progress(n_events)
        return out
    out.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    for stream, rows in split_sizes(n_events).items():
        write_stream(stream, rows, out / f"{stream}.parquet", seed, progress)
    stamp.write_text(json.dumps(meta))
    return out
