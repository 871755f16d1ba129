"""The ledger's files: entry framing and per-level hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.files import EntryFiles, TreeFiles, unframe
from agilegov.ledger.tree import MemoryTree, leaf_hash


def test_entries_are_framed_as_in_entry_bundles(tmp_path: Path) -> None:
    files = EntryFiles(tmp_path, 0, writable=True)
    files.append([b"ab", b"", b"xyz"])
    assert files.framed(0, 3) == b"\x00\x02ab\x00\x00\x00\x03xyz"
    assert files.read(1, 3) == [b"", b"xyz"]
    with pytest.raises(LedgerError, match=r"entries 2..3 are not in a log of 3"):
        files.read(2, 4)
    files.close()


def test_unframe_says_where_a_bundle_is_cut() -> None:
    assert unframe(b"\x00\x01a\x00\x00") == [b"a", b""]
    with pytest.raises(LedgerError, match="entry 1 is cut off at byte 3"):
        unframe(b"\x00\x01a\x00\x05ab")
    with pytest.raises(LedgerError, match="length prefix is cut off at byte 0"):
        unframe(b"\x00")


def test_level_files_hold_every_complete_subtree(tmp_path: Path) -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(37)]
    files = TreeFiles(tmp_path, 0, writable=True)
    for chunk in (leaves[:1], leaves[1:5], leaves[5:6], leaves[6:37]):
        files.append(chunk)
    mem = MemoryTree(leaves)
    for level, row in enumerate(mem.levels):
        assert files.hashes(level, 0, len(row)) == b"".join(row)
    files.close()
    again = TreeFiles(tmp_path, 20, writable=True)  # cut back to 20 leaves
    assert (tmp_path / "0.bin").stat().st_size == 20 * 32
    assert (tmp_path / "2.bin").stat().st_size == 5 * 32
    again.append(leaves[20:37])
    assert again.node(5, 0) == mem.node(5, 0)
    with pytest.raises(LedgerError, match="level 5, index 1"):
        again.node(5, 1)
    again.close()
