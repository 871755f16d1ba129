"""Run one competitor once, in this (fresh) process: `python -m bench.worker NAME DATA OUT`.

Prints one JSON line: `seconds` (wall time of the competitor's run, imports
excluded), `findings`, and writes the findings in the common form to OUT
(Parquet). The parent reads the peak memory of this process from `wait4`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from bench.competitors import COMPETITORS


def main(argv: list[str]) -> int:
    name, data_dir, out = argv
    competitor = COMPETITORS[name]
    started = time.perf_counter()
    raw = competitor.run(Path(data_dir))
    seconds = time.perf_counter() - started
    table = competitor.to_result(raw)
    pq.write_table(table, out)
    print(json.dumps({"seconds": seconds, "findings": table.num_rows}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
