"""The ledger benchmark's report section and tree builder (no timings are asserted)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from agilegov.ledger.proofs import inclusion_proof
from agilegov.ledger.tree import MemoryTree, root_hash
from bench import ledger as bench_ledger


def test_the_section_replaces_only_its_markers(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n<!-- ledger:start -->\nold\n<!-- ledger:end -->\n"
                   "\n## After\n")
    monkeypatch.setattr(bench_ledger, "DOC", doc)
    bench_ledger.write_section(bench_ledger.section([("a", "1 µs")], 10))
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nintro\n\n<!-- ledger:start -->\n## Transparency")
    assert "| a | 1 µs |" in text and "old" not in text
    assert text.endswith("<!-- ledger:end -->\n\n## After\n")


def test_a_missing_section_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n")
    monkeypatch.setattr(bench_ledger, "DOC", doc)
    bench_ledger.write_section(bench_ledger.section([], 10))
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\n<!-- ledger:start -->")
    assert text.endswith("<!-- ledger:end -->\n")


def test_the_counter_tree_is_the_tree_of_its_leaves(tmp_path: Path) -> None:
    tree, _ = bench_ledger.build_tree(tmp_path, 1000)
    mem = MemoryTree(hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(1000))
    assert root_hash(tree, 1000) == mem.root()
    assert inclusion_proof(tree, 999, 1000) == inclusion_proof(mem, 999, 1000)
    tree.close()
