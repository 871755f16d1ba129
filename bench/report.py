"""Write docs/benchmarks.md from the measured runs."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from bench.competitors import COMPETITORS
from bench.generate import N_ACTORS, SHARES, size_label

if TYPE_CHECKING:
    from bench.run import Run

SECTION = re.compile(r"<!-- ([a-z0-9-]+):start -->.*?<!-- \1:end -->", re.DOTALL)
GIB = 2**30
MEMORY_LIMIT = 4 * GIB
PER_GOAL_FACTOR = 3.0


WHY = [
    "### Why the speed targets are missed",
    "",
    "Profile of agilegov at 10M events (one `evaluate`, statements over 50 ms): the scans "
    "of the three streams take about as long as the whole hand-written single pass (one "
    "GROUP BY per stream computing every goal's partial aggregates with `FILTER` clauses, "
    "plus the distinct values for `count_distinct`, which alone costs about as much as the "
    "other aggregates together); then windows are assembled from day buckets (hash joins "
    "of a window-membership table, about 0.5 s for the 20 goals), statuses computed for "
    "the ~625k findings and the responses' runs found (gaps and islands over all "
    "findings, about 0.35 s). The hand-written query has no responses to compute, no "
    "validation of the data (agilegov counts bad rows in a pass over the columns that "
    "Parquet statistics do not prove valid), and knows that Asia/Tokyo has no daylight "
    "saving time, so its windows are fixed `ROWS` frames over a dense actor x day grid. "
    "The window assembly of distinct counts over 30-day windows was the largest cost "
    "(1.7 s of 4.9 s at 10M) until distinct counts were made to slide (a running sum of "
    "first occurrences): at 50M agilegov went from 0.33x to 0.60x of the single pass and "
    "from 1.41x to 2.58x of one query per goal. Next steps: window frames for uniform "
    "windows of sums and counts, responses only for goals that have them, and a dense "
    "grid when actors x days is small.",
]


def _rate(events: int, seconds: float) -> str:
    r = events / seconds
    return f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.0f}k"


def _mem(b: int | None) -> str:
    if b is None:
        return "-"
    return f"{b / GIB:.2f} GiB" if b >= GIB else f"{b / 2**20:.0f} MiB"


def _by(runs: list[Run], name: str) -> Run | None:
    return next((r for r in runs if r.competitor == name and r.seconds is not None), None)


def size_table(runs: list[Run]) -> list[str]:
    ag = _by(runs, "agilegov")
    lines = ["| competitor | seconds | events/s | peak RSS | time vs agilegov | findings | "
             "runs | agreement |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        label = COMPETITORS[r.competitor].label
        if r.seconds is None:
            lines.append(f"| {label} | failed | - | - | - | - | {r.runs} | "
                         f"{(r.error or '').replace('|', '/')} |")
            continue
        ratio = f"{r.seconds / ag.seconds:.2f}x" if ag and ag.seconds else "-"
        lines.append(
            f"| {label} | {r.seconds:.3f} | {_rate(r.events, r.seconds)} | "
            f"{_mem(r.peak_rss_bytes)} | {ratio} | {r.findings} | {r.runs} | "
            f"{(r.agreement or 'not checked').replace('|', '/')} |")
    return lines


def targets(all_runs: dict[int, list[Run]]) -> list[str]:
    lines = ["| size | agilegov vs single-pass SQL | agilegov vs one query per goal "
             "(needs >= 3x) | agilegov peak RSS (needs < 4 GiB) |", "|---|---|---|---|"]
    for n, runs in all_runs.items():
        ag, single, per = (_by(runs, c) for c in ("agilegov", "duckdb-single",
                                                   "duckdb-per-goal"))
        if ag is None or ag.seconds is None:
            lines.append(f"| {size_label(n)} | agilegov did not run | - | - |")
            continue
        cells = []
        if single and single.seconds:
            ok = ag.seconds <= single.seconds
            cells.append(f"{'met' if ok else 'NOT met'}: {single.seconds / ag.seconds:.2f}x "
                         f"as fast")
        else:
            cells.append("-")
        if per and per.seconds:
            speed = per.seconds / ag.seconds
            cells.append(f"{'met' if speed >= PER_GOAL_FACTOR else 'NOT met'}: {speed:.2f}x")
        else:
            cells.append("-")
        peak = ag.peak_rss_bytes or 0
        cells.append(f"{'met' if peak < MEMORY_LIMIT else 'NOT met'}: {_mem(peak)}")
        lines.append(f"| {size_label(n)} | " + " | ".join(cells) + " |")
    return lines


def write_report(path: Path, machine: dict[str, str], all_runs: dict[int, list[Run]],
                 seed: int, idle_rss: int) -> None:
    shares = ", ".join(f"{s} {int(v * 100)}%" for s, v in SHARES.items())
    out = [
        "# Benchmarks",
        "",
        "Written by `python -m bench` on "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}. Do not edit by hand: "
        "run it again.",
        "",
        "## What is measured",
        "",
        "The rulebook `bench/rulebook.yaml` has 20 goals over three streams of sidewalk "
        "delivery robots (trips, incidents, remote interventions): counts with conditions, "
        "sums, ratios, `avg`, `max`, `min` and `count_distinct` (one of them over a personal "
        "field), 18 per actor and 2 per all, windows of 1, 7 and 30 days every day, timezone "
        "Asia/Tokyo, with `min_evidence` on three goals and a dated target on one.",
        "",
        f"`bench/generate.py` writes the events as Parquet (row groups of 256k rows, time "
        f"order): {N_ACTORS} operators of very different sizes over the local year 2026, "
        f"{shares} of the events, some nulls in nullable fields; seed {seed}. Every competitor "
        "computes the findings of all 20 goals (value and status, per actor) at the 366 daily "
        "instants from 2026-01-01 to 2027-01-01 and returns them in one common form.",
        "",
        "- **agilegov engine**: `load_rulebook` + `agilegov.engine.evaluate.evaluate`, "
        "which returns the findings (kept columnar) and also the actions of the responses, "
        "which no other competitor computes. This is the row the targets are judged on.",
        "- **agilegov engine + `Finding` objects**: the same, then also building the list of "
        "`Finding` objects (`Evaluation.findings`), as an API user asking for them would.",
        "- **DuckDB SQL, single pass**: one hand-written statement that scans each stream "
        "once computing every indicator by actor and local day (`FILTER` clauses), then "
        "combines days into windows with window functions.",
        "- **DuckDB SQL, one query per goal**: the same hand-written plan restricted to one "
        "goal, run 20 times (each query reads the files it needs on its own).",
        "- **Polars lazy**: group by actor and local day, then `rolling_sum` over a dense "
        "actor x day grid.",
        "- **plain-Python loop**: pyarrow decodes each row group; a Python loop visits "
        "every event and updates per-day counters (up to 10M events).",
        "- **agilegov reference evaluator**: the slow, obviously-correct evaluator "
        "(100k events only).",
        "",
        "The hand-written competitors know that Asia/Tokyo has no daylight saving time (a "
        "local day is 24 hours); agilegov does not assume it. Count-distinct over a "
        "multi-day window uses the \"last occurrence\" trick in SQL and Polars.",
        "",
        "Method: each run is a fresh Python process (`python -m bench.worker`); seconds are "
        "the wall time of the evaluation inside it (interpreter start and imports excluded), "
        "best of 3 runs up to 10M events and 1 run above (the reference evaluator: 1 run; "
        "the Python loop: 1 run above 1M); "
        "peak RSS is the worker's high-water resident set (`VmHWM`, all threads, the "
        "highest of its runs, measured before the result is written; a bare worker "
        f"that imported DuckDB, Polars and PyArrow holds {_mem(idle_rss)}). DuckDB runs on "
        "a file-less connection with its default threads and no "
        "`memory_limit`. Events/s is the number of events in the data set over the seconds. "
        "*time vs agilegov* is the competitor's seconds over agilegov's (above 1 = slower "
        "than agilegov).",
        "",
        "Agreement: on data sets up to 1M events every competitor's findings are compared "
        "with agilegov's (same goal, actor and window end; same status; values within a "
        "relative 1e-9; a status may differ only when the value is within rounding of the "
        "threshold).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine.items()),
        "",
        "## Targets",
        "",
        "agilegov's 20-goal evaluation must be at least as fast as the single-pass "
        "hand-written query, at least 3x as fast as one query per goal, and stay under "
        "4 GiB peak memory at 50M events.",
        "",
        *targets(all_runs),
        "",
        *WHY,
        "",
        "## Results",
    ]
    for n, runs in all_runs.items():
        out += ["", f"### {size_label(n)} events", "", *size_table(runs)]
        loads = [r.load for r in runs if r.load is not None]
        if loads:
            cores = os.cpu_count() or 1
            busy = (" The machine was busy with other work (load above its core count): "
                    "treat these timings as noisy.") if max(loads) > cores else ""
            out += ["", f"1-minute load average before each competitor's runs: "
                    f"{min(loads):.2f} to {max(loads):.2f} on {cores} cores.{busy}"]
    out += ["", "Reproduce: `python -m bench` (all sizes), `python -m bench --quick` (100k "
            "and 1M), `python -m bench --sizes 1M,10M --only agilegov,duckdb-single`. A run "
            "keeps the other sizes of the previous report unless given `--fresh`.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = foreign_sections(path.read_text() if path.is_file() else "")
    path.write_text("\n".join(out) + "".join(f"\n{block}\n" for block in kept))


def foreign_sections(text: str) -> list[str]:
    """Sections other scripts own in the same file, kept as they are.

    Such a section sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`
    (`python -m bench.service` and `python -m bench.ledger` write theirs).
    """
    return [m.group(0) for m in SECTION.finditer(text)]
