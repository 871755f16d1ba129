"""C2SP tiles: paths, and tiles whose hashes match the tree."""

from __future__ import annotations

import pytest
from tests.ledger import independent
from tests.ledger.conftest import entries

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.store import Ledger
from agilegov.ledger.tiles import ENTRIES, TileRef, encode_index, parse_tile_path, tiles_for
from agilegov.ledger.tree import MemoryTree, leaf_hash


@pytest.mark.parametrize(("index", "text"), [
    (0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067"),
])
def test_indexes_are_three_digit_path_elements(index: int, text: str) -> None:
    assert encode_index(index) == text
    assert independent.tile_path(0, index) == f"tile/0/{text}"


@pytest.mark.parametrize("ref", [
    TileRef(0, 0), TileRef(1, 1234067, 5), TileRef(ENTRIES, 1000, 255), TileRef(12, 3),
])
def test_paths_round_trip(ref: TileRef) -> None:
    level = "entries" if ref.level == ENTRIES else ref.level
    assert ref.path() == independent.tile_path(level, ref.index, ref.width)
    assert parse_tile_path(ref.path()) == ref


@pytest.mark.parametrize("path", [
    "tile/0", "tile/00/000", "tile/0/1", "tile/0/x000/001", "tile/0/000.p/256",
    "tile/0/000.p/0", "tile/0/001/000", "tile/data/000", "tile/0/000.p/07",
])
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(LedgerError, match="not a tile path"):
        parse_tile_path(path)


def test_tiles_hold_the_tree_hashes_and_the_entries(ledger: Ledger) -> None:
    ledger.append_many(entries(70_000 // 100))
    ledger.append_many(entries(66_000 - 700, 700))
    n = ledger.size
    data = ledger.entries(0, n)
    tree = MemoryTree(leaf_hash(d) for d in data)
    served = 0
    for ref in tiles_for(n):
        tile = ledger.tile(ref.path())
        start = ref.index * 256
        if ref.level == ENTRIES:
            assert independent.bundle_entries(tile) == data[start : start + ref.width]
        else:
            row = tree.levels[8 * ref.level][start : start + ref.width]
            assert tile == b"".join(row)
        served += 1
    assert served == len(tiles_for(n)) > 2 * (n // 256)
    # level 1 hashes are the roots of 256-leaf subtrees
    first = ledger.tile("tile/1/000")[:32]
    assert first == independent.mth(data[:256])


def test_a_tile_beyond_the_tree_is_refused(ledger: Ledger) -> None:
    ledger.append_many(entries(300))
    assert len(ledger.tile("tile/0/001.p/44")) == 44 * 32
    assert len(ledger.tile("tile/0/001.p/10")) == 10 * 32
    with pytest.raises(LedgerError, match="not in a tree of size 300"):
        ledger.tile("tile/0/001")
    with pytest.raises(LedgerError, match="not in a tree of size 300"):
        ledger.tile("tile/1/000")
    with pytest.raises(LedgerError, match="not in a tree of size 300"):
        ledger.tile("tile/entries/001.p/45")
    assert len(independent.bundle_entries(ledger.tile("tile/entries/001.p/44"))) == 44
