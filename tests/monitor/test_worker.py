"""The monitor worker queues batches and evaluates them off the request path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from tests.monitor.test_core import RULEBOOK, batch, findings, us

from agilegov.errors import NotFound
from agilegov.monitor import Monitor
from agilegov.monitor.worker import MonitorWorker
from agilegov.rulebook.loader import load_rulebook_text
from agilegov.rulebook.model import Rulebook
from agilegov.store.state import StateStore


def test_queued_batches_give_the_same_findings_as_direct_ones(tmp_path: Path) -> None:
    book = load_rulebook_text(RULEBOOK)
    direct_state = StateStore(f"sqlite:///{tmp_path / 'a.sqlite'}")
    queued_state = StateStore(f"sqlite:///{tmp_path / 'b.sqlite'}")
    direct = Monitor(
        None,
        None,
        direct_state,
        rulebook_source=lambda _d: book,  # type: ignore[arg-type]
        default_lateness=dt.timedelta(0),
    )
    worker = MonitorWorker(
        Monitor(
            None,
            None,
            queued_state,  # type: ignore[arg-type]
            rulebook_source=lambda _d: book,
            default_lateness=dt.timedelta(0),
        )
    ).start()
    tables: list[pa.Table] = [
        batch((f"t{d}-{h}", "acme", us(d, h), float(h))) for d in range(1, 8) for h in (3, 9, 15)
    ]
    for t in tables:
        direct.on_batch("town", "trips", t)
        worker.on_batch("town", "trips", t)
    worker.flush()
    worker.stop()
    assert findings(queued_state) == findings(direct_state)
    assert len(findings(direct_state)) == 6
    assert worker.failures == 0


def test_a_failing_batch_is_counted_and_the_worker_goes_on(tmp_path: Path) -> None:
    book = load_rulebook_text(RULEBOOK)
    state = StateStore(f"sqlite:///{tmp_path / 's.sqlite'}")

    def source(domain: str) -> Rulebook:
        if domain != "town":
            raise NotFound(f"no domain {domain}")
        return book

    worker = MonitorWorker(
        Monitor(
            None,
            None,
            state,  # type: ignore[arg-type]
            rulebook_source=source,
            default_lateness=dt.timedelta(0),
        )
    ).start()
    worker.on_batch("unknown-domain", "trips", batch(("x", "acme", us(1, 1), 1.0)))
    worker.flush()
    worker.on_batch(
        "town", "trips", batch(("t1", "acme", us(1, 1), 12.0), ("t2", "acme", us(3, 1), 1.0))
    )
    worker.flush()
    worker.stop()
    assert worker.failures == 1
    assert findings(state)["2026-04-02"] == (12.0, "met", 0)
