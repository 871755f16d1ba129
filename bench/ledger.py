"""Ledger benchmarks: append rate and proof time at 10M entries.

`python -m bench.ledger [--leaves N]` writes its table into the
`<!-- ledger:start -->` ... `<!-- ledger:end -->` section of docs/benchmarks.md and leaves the
rest of the file as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from agilegov.ledger.entry import Entry
from agilegov.ledger.files import TreeFiles
from agilegov.ledger.proofs import consistency_proof, inclusion_proof
from agilegov.ledger.store import Ledger
from agilegov.ledger.tree import root_hash

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
START, END = "<!-- ledger:start -->", "<!-- ledger:end -->"
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def append_rate(total: int, batch: int) -> float:
    """Entries per second through `append_many` (canonical JSON, hashing, fsync, signing)."""
    with tempfile.TemporaryDirectory() as tmp, Ledger(Path(tmp), origin="bench/ledger") as led:
        items = [Entry("events.received", AT, "robots",
                       {"batch": hashlib.sha256(str(i).encode()).hexdigest(), "events": i,
                        "operator": f"op-{i % 100}"}) for i in range(total)]
        began = time.perf_counter()
        for start in range(0, total, batch):
            led.append_many(items[start : start + batch])
        return total / (time.perf_counter() - began)


def build_tree(folder: Path, leaves: int) -> tuple[TreeFiles, float]:
    tree = TreeFiles(folder, 0, writable=True)
    chunk = 1 << 20
    began = time.perf_counter()
    for start in range(0, leaves, chunk):
        hashes = [hashlib.sha256(i.to_bytes(8, "big")).digest()
                  for i in range(start, min(leaves, start + chunk))]
        tree.append(hashes, sync=False)
    return tree, time.perf_counter() - began


def proof_times(tree: TreeFiles, count: int, seed: int) -> tuple[float, float, float, float]:
    """(median, p99) microseconds of inclusion proofs, then of consistency proofs."""
    rng = random.Random(seed)
    n = tree.size
    inc: list[float] = []
    con: list[float] = []
    for _ in range(count):
        index = rng.randrange(n)
        t0 = time.perf_counter()
        inclusion_proof(tree, index, n)
        inc.append(time.perf_counter() - t0)
        first = rng.randrange(1, n)
        t0 = time.perf_counter()
        consistency_proof(tree, first, n)
        con.append(time.perf_counter() - t0)

    def stats(xs: list[float]) -> tuple[float, float]:
        xs.sort()
        return statistics.median(xs) * 1e6, xs[int(len(xs) * 0.99)] * 1e6

    return (*stats(inc), *stats(con))


def section(rows: list[tuple[str, str]], leaves: int) -> str:
    lines = [
        START,
        "## Transparency ledger",
        "",
        f"Written by `python -m bench.ledger` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC "
        f"(Python {platform.python_version()}). Appends go through `Ledger.append_many`: "
        "canonical JSON (RFC 8785), leaf and node hashes, fsync of every file, and one "
        "Ed25519-signed checkpoint per batch. Proofs are made from the stored subtree hashes "
        f"(one `pread` per hash) of a tree of {leaves:,} leaves whose leaf hashes are "
        "SHA-256 of a counter; times are per proof over 2,000 random indexes and sizes, a first "
        "pass just after building the files and a second pass with other random proofs "
        "(the p99 of the first pass shows reads that reach the disk).",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {k} | {v} |" for k, v in rows),
        END,
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    old = DOC.read_text("utf-8") if DOC.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        tail = rest.split(END, 1)[1]
        new = head + text + tail
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text + "\n"
    DOC.write_text(new, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--appends", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    for batch in (1_000, 10_000):
        rate = append_rate(args.appends, batch)
        rows.append((f"append rate, batches of {batch:,}", f"{rate:,.0f} entries/s"))
    with tempfile.TemporaryDirectory() as tmp:
        tree, seconds = build_tree(Path(tmp), args.leaves)
        rows.append((f"building the hashes of {args.leaves:,} leaves (no fsync)",
                     f"{seconds:.1f} s"))
        t0 = time.perf_counter()
        root_hash(tree, tree.size)
        rows.append(("root of the whole tree from stored hashes",
                     f"{(time.perf_counter() - t0) * 1e6:.0f} µs"))
        for seed, label in ((1, "first pass"), (2, "second pass")):
            inc_med, inc_p99, con_med, con_p99 = proof_times(tree, 2_000, seed)
            rows.append((f"inclusion proof, median / p99 ({label})",
                         f"{inc_med:.0f} / {inc_p99:.0f} µs"))
            rows.append((f"consistency proof, median / p99 ({label})",
                         f"{con_med:.0f} / {con_p99:.0f} µs"))
        tree.close()
    for row in rows:
        print(row)
    if not args.no_write:
        write_section(section(rows, args.leaves))


if __name__ == "__main__":
    main()
