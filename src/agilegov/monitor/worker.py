"""Evaluation off the request path: acknowledgements never wait for evaluation.

Ingest hands each durable batch to `MonitorWorker.on_batch`, which only queues
it. One thread drains the queue, merges the batches waiting for the same
(domain, stream) into one, and gives them to the monitor; under load, many small
batches become one evaluation. `flush()` waits until everything queued is evaluated.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict

import pyarrow as pa

from agilegov.monitor.core import Monitor

log = logging.getLogger(__name__)
Item = tuple[str, str, pa.Table]


class MonitorWorker:
    def __init__(self, monitor: Monitor, max_rows_per_round: int = 200_000) -> None:
        self.monitor = monitor
        self._queue: queue.Queue[Item | None] = queue.Queue()  # None: stop
        self._max_rows = max_rows_per_round
        self._thread = threading.Thread(target=self._run, name="agilegov-monitor", daemon=True)
        self.failures = 0

    def start(self) -> MonitorWorker:
        self._thread.start()
        return self

    def on_batch(self, domain: str, stream: str, table: pa.Table) -> None:
        self._queue.put((domain, stream, table))

    def flush(self) -> None:
        self._queue.join()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                self._queue.task_done()
                return
            items = [first]
            rows = first[2].num_rows
            while rows < self._max_rows:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # handle the stop after this round
                    self._queue.task_done()
                    break
                items.append(item)
                rows += item[2].num_rows
            self._evaluate(items)
            for _ in items:
                self._queue.task_done()

    def _evaluate(self, items: list[Item]) -> None:
        groups: OrderedDict[tuple[str, str], list[pa.Table]] = OrderedDict()
        for domain, stream, table in items:
            groups.setdefault((domain, stream), []).append(table)
        for (domain, stream), tables in groups.items():
            try:
                merged = pa.concat_tables(tables, promote_options="default")
                self.monitor.on_batch(domain, stream, merged)
            except Exception:  # the events are stored; a rebuild will evaluate them
                self.failures += 1
                log.exception(
                    "monitor failed on %d batch(es) of %s/%s", len(tables), domain, stream
                )
