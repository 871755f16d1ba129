"""One command: generate the data, run every competitor side by side, write the report.

    python -m bench [--sizes 100k,1M,10M,50M | --quick] [--only agilegov,polars] [--seed 7]

Each run is a fresh `python -m bench.worker` process, so its wall time and
peak memory (the worker's VmHWM, see `bench.worker`) are its own. Best of 3 runs up to 10M
events, one run above (and for the plain-Python loop above 1M).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from bench.agree import Agreement, compare
from bench.competitors import COMPETITORS
from bench.generate import ensure, parse_size, size_label
from bench.machine import describe
from bench.report import write_report

ROOT = Path(__file__).resolve().parent
DEFAULT_SIZES = "100k,1M,10M,50M"
QUICK_SIZES = "100k,1M"
AGREEMENT_MAX = 1_000_000  # agreement is checked on data sets up to this size


@dataclass
class Run:
    competitor: str
    events: int
    seconds: float | None = None  # best of the runs
    peak_rss_bytes: int | None = None  # highest of the runs
    findings: int | None = None
    runs: int = 0
    error: str | None = None
    agreement: str | None = None
    agrees: bool | None = None
    load: float | None = None  # 1-minute load average before the runs


def repeats(name: str, events: int) -> int:
    if events > 10_000_000 or name == "reference" or (name == "python" and events > 1_000_000):
        return 1
    return 3


def run_once(name: str, data_dir: Path, out: Path) -> tuple[float, int, int]:
    """Seconds, peak RSS in bytes and findings of one fresh-process run."""
    cmd = [sys.executable, "-m", "bench.worker", name, str(data_dir), str(out)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT.parent), env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env, cwd=ROOT.parent)
        _pid, status, _usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        stdout, stderr = out_f.read(), err_f.read()
    if proc.returncode != 0:
        lines = [ln for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit status {proc.returncode}")
    data = json.loads(stdout.decode().strip().splitlines()[-1])
    return float(data["seconds"]), int(data["peak_rss_bytes"]), int(data["findings"])


def measure(name: str, events: int, data_dir: Path, results: Path) -> Run:
    run = Run(name, events, load=os.getloadavg()[0])
    out = results / f"{name}.parquet"
    for _ in range(repeats(name, events)):
        try:
            seconds, peak, findings = run_once(name, data_dir, out)
        except (RuntimeError, ValueError, KeyError) as exc:
            run.error = str(exc).replace(str(ROOT.parent) + os.sep, "")[:300]
            return run
        run.runs += 1
        run.seconds = seconds if run.seconds is None else min(run.seconds, seconds)
        run.peak_rss_bytes = max(run.peak_rss_bytes or 0, peak)
        run.findings = findings
    return run


def check_agreement(runs: list[Run], results: Path) -> None:
    done = [r for r in runs if r.error is None and r.runs]
    base = next((r for r in done if r.competitor == "agilegov"), None) or next(
        (r for r in done if r.competitor == "duckdb-single"), None)
    if base is None:
        return
    baseline = pq.read_table(results / f"{base.competitor}.parquet")
    for r in done:
        if r is base:
            r.agrees, r.agreement = True, "baseline"
            continue
        a: Agreement = compare(baseline, pq.read_table(results / f"{r.competitor}.parquet"))
        r.agrees = a.ok
        r.agreement = f"{a.summary()} (vs {base.competitor})"
        if a.examples and not a.ok:
            r.agreement += "; e.g. " + "; ".join(a.examples[:2])


def idle_rss(results: Path, data: Path, measure: bool = False) -> int:
    """Peak RSS of a worker that only imported its libraries (measured, or as last saved)."""
    saved = results / "idle.json"
    if saved.exists() and not measure:
        return int(json.loads(saved.read_text())["peak_rss_bytes"])
    results.mkdir(parents=True, exist_ok=True)
    _seconds, peak, _findings = run_once("idle", data, results / "idle.parquet")
    saved.write_text(json.dumps({"peak_rss_bytes": peak}))
    return peak


def merge_previous(path: Path, runs: dict[int, list[Run]]) -> dict[int, list[Run]]:
    """Add the sizes of the previous report that this invocation did not run."""
    if not path.exists():
        return runs
    merged: dict[int, list[Run]] = {}
    for label, rows in json.loads(path.read_text()).items():
        n = parse_size(label)
        if n not in runs:
            merged[n] = [Run(**row) for row in rows]
    merged.update(runs)
    return dict(sorted(merged.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help="e.g. 100k,1M,10M,50M")
    ap.add_argument("--quick", action="store_true", help=f"only {QUICK_SIZES}")
    ap.add_argument("--only", default=",".join(COMPETITORS), help="competitors to run")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from the previous results without running")
    ap.add_argument("--fresh", action="store_true",
                    help="report only this invocation's sizes (default: keep the other sizes "
                         "of the previous report)")
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--results", type=Path, default=ROOT / "results")
    ap.add_argument("--out", type=Path, default=ROOT.parent / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    sizes = [parse_size(s) for s in (QUICK_SIZES if args.quick else args.sizes).split(",")]
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in COMPETITORS]
    if unknown:
        ap.error(f"unknown competitor(s) {', '.join(unknown)}; expected some of "
                 f"{', '.join(COMPETITORS)}")
    console = Console(stderr=True)
    if args.report_only:
        previous = merge_previous(args.results / "results.json", {})
        write_report(args.out, describe(), previous, args.seed, idle_rss(args.results,
                                                                      args.data))
        console.print(f"wrote {args.out.name}")
        return 0
    data_dirs: dict[int, Path] = {}
    cols = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
            TimeElapsedColumn())
    with Progress(*cols, console=console) as progress:
        for n in sizes:
            task = progress.add_task(f"data {size_label(n)}", total=n)
            data_dirs[n] = ensure(n, args.data, args.seed, partial(progress.advance, task))
    idle = idle_rss(args.results, args.data, measure=True)
    all_runs: dict[int, list[Run]] = {}
    with Progress(*cols, console=console) as progress:
        for n in sizes:
            todo = [c for c in names if (COMPETITORS[c].max_events or n) >= n]
            task = progress.add_task(f"run {size_label(n)}", total=len(todo))
            results = args.results / size_label(n)
            results.mkdir(parents=True, exist_ok=True)
            runs = []
            for name in todo:
                progress.update(task, description=f"run {size_label(n)}: {name}")
                runs.append(measure(name, n, data_dirs[n], results))
                progress.advance(task)
            if n <= AGREEMENT_MAX:
                check_agreement(runs, results)
            all_runs[n] = runs
    if not args.fresh:
        all_runs = merge_previous(args.results / "results.json", all_runs)
    raw = {size_label(n): [asdict(r) for r in runs] for n, runs in all_runs.items()}
    (args.results / "results.json").write_text(json.dumps(raw, indent=2))
    write_report(args.out, describe(), all_runs, args.seed, idle)
    for n, runs in all_runs.items():
        for r in runs:
            console.print(f"{size_label(n):>5} {r.competitor:<16} "
                          + (f"{r.seconds:8.3f}s {(r.peak_rss_bytes or 0) / 2**20:8.0f} MiB"
                             if r.seconds is not None else f"error: {r.error}"))
    console.print(f"wrote {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
