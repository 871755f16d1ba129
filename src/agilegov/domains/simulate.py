"""Run a domain's seeded simulator and write one Parquet file per stream."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from agilegov.domains.catalog import get_domain, rulebook_path
from agilegov.domains.declared import read_declarations
from agilegov.domains.parquet_out import StreamWriter
from agilegov.domains.simkit import SimContext
from agilegov.errors import UsageError


def simulate(domain: str, days: int, out_dir: Path, seed: int = 0,
             start: dt.date | None = None) -> dict[str, int]:
    """Simulate `days` days of `domain` into `out_dir/<stream>.parquet`; return rows per stream.

    The run is deterministic for a given seed. `start` defaults to the
    rulebook's `effective_from`. Every stream of the rulebook gets a file,
    even one with no rows.
    """
    spec = get_domain(domain)
    if days < 1:
        raise UsageError(f"--days: expected a whole number of days of at least 1, got {days}")
    decl = read_declarations(rulebook_path(spec.name))
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {name: StreamWriter(out_dir / f"{name}.parquet", s)
               for name, s in decl.streams.items()}
    ctx = SimContext(random.Random(seed), start or decl.effective_from, days, decl.timezone,
                     writers)
    try:
        spec.simulator(ctx)
    finally:
        counts = {name: w.close() for name, w in writers.items()}
    return counts
