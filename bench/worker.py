"""Run one competitor once, in this (fresh) process: `python -m bench.worker NAME DATA OUT`.

Prints one JSON line: `seconds` (wall time of the competitor's run, imports
excluded), `findings`, `peak_rss_bytes` (this process's high-water resident
set, all threads), and writes the findings in the common form to OUT (Parquet).

The peak is read from `/proc/self/status` (VmHWM), not from the parent's
`wait4`: on Linux a child's `ru_maxrss` keeps the parent's resident set at
the time of the fork, even across `exec`, so it would charge every worker
with the harness's own memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from bench.competitors import COMPETITORS


def peak_rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def main(argv: list[str]) -> int:
    name, data_dir, out = argv
    if name == "idle":  # the footprint of a worker that only imported its libraries
        print(json.dumps({"seconds": 0.0, "findings": 0, "peak_rss_bytes": peak_rss_bytes()}))
        return 0
    competitor = COMPETITORS[name]
    started = time.perf_counter()
    raw = competitor.run(Path(data_dir))
    seconds = time.perf_counter() - started
    table = competitor.to_result(raw)
    peak = peak_rss_bytes()  # before writing the result, which is not part of the run
    pq.write_table(table, out)
    print(json.dumps({"seconds": seconds, "findings": table.num_rows, "peak_rss_bytes": peak}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
