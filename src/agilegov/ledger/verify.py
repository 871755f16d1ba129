"""Checking a ledger without trusting whoever serves it: the whole log against a signed
checkpoint, one receipt, and the consistency of a saved checkpoint with the current one.

Every check needs only what a `Source` serves (entries, proofs, tiles, the signed checkpoint)
and verifier keys the caller trusts. Each failure names what is wrong: the entry index, the
tile and hash, the signature line, the tree sizes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agilegov.ledger.entry import parse_entry
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.note import Checkpoint, Verifier, open_checkpoint, parse_verifier_key
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.tiles import HEIGHT, WIDTH, TileRef
from agilegov.ledger.tree import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash, verify_consistency
from agilegov.ledger.tree import verify_inclusion as check_inclusion

CHUNK = 16 * WIDTH


class Source(Protocol):
    def checkpoint_note(self) -> str: ...

    def entries(self, start: int, end: int) -> list[bytes]: ...

    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...

    def consistency_proof(self, first: int, second: int) -> list[bytes]: ...

    def tile(self, path: str) -> bytes: ...


@dataclass
class LogReport:
    checkpoint: Checkpoint
    entries: int = 0
    tiles: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    retired_keys: list[Verifier] = field(default_factory=list)


class _Builder:
    """Complete subtrees as leaves come in; checks the stored tiles as they fill."""

    def __init__(self, source: Source, check_tiles: bool) -> None:
        self.source = source
        self.check_tiles = check_tiles
        self.frontier: list[bytes | None] = []
        self.rows: dict[int, list[bytes]] = {}  # tile level -> hashes of its open tile
        self.done: dict[int, int] = {}  # tile level -> tiles checked
        self.tiles = 0

    def push(self, leaf: bytes) -> None:
        h, level = leaf, 0
        while True:
            if level % HEIGHT == 0:
                self._row(level // HEIGHT, h)
            if level == len(self.frontier):
                self.frontier.append(None)
            left = self.frontier[level]
            if left is None:
                self.frontier[level] = h
                return
            self.frontier[level] = None
            h = node_hash(left, h)
            level += 1

    def _row(self, tile_level: int, h: bytes) -> None:
        row = self.rows.setdefault(tile_level, [])
        row.append(h)
        if len(row) == WIDTH:
            self._check(tile_level)

    def _check(self, tile_level: int) -> None:
        row = self.rows.get(tile_level, [])
        if not row:
            return
        index = self.done.get(tile_level, 0)
        self.rows[tile_level] = []
        self.done[tile_level] = index + 1
        if not self.check_tiles:
            return
        ref = TileRef(tile_level, index, len(row))
        served = self.source.tile(ref.path())
        self.tiles += 1
        for i, h in enumerate(row):
            got = served[i * HASH_SIZE : (i + 1) * HASH_SIZE]
            if got != h:
                node = index * WIDTH + i
                what = (f"entry {node}: its leaf hash" if tile_level == 0 else
                        f"the subtree at level {tile_level * HEIGHT}, index {node}")
                raise LedgerError(
                    f"{what} is {h.hex()} from the entries, but {ref.path()} says "
                    f"{got.hex() or 'nothing'} (an entry or the tile was changed)"
                )
        if len(served) != len(row) * HASH_SIZE:
            raise LedgerError(f"{ref.path()} is {len(served)} bytes, expected "
                              f"{len(row) * HASH_SIZE}")

    def finish(self) -> bytes:
        for tile_level in sorted(self.rows):
            self._check(tile_level)
        acc: bytes | None = None
        for h in self.frontier:
            if h is not None:
                acc = h if acc is None else node_hash(h, acc)
        return EMPTY_ROOT if acc is None else acc


def _retired(obj: dict[str, object], index: int) -> Verifier | None:
    if obj.get("kind") != "key.rotated":
        return None
    body = obj.get("body")
    old = body.get("old_key") if isinstance(body, dict) else None
    if not isinstance(old, str):
        raise LedgerError(f"entry {index}: a key.rotated entry without body.old_key")
    return parse_verifier_key(old)


def verify_log(source: Source, verifiers: Sequence[Verifier],
               check_tiles: bool = True) -> LogReport:
    """Recompute the tree from every entry and compare it with the signed checkpoint (and,
    on the way, with every tile the source serves)."""
    cp = open_checkpoint(source.checkpoint_note(), verifiers)
    report = LogReport(cp)
    builder = _Builder(source, check_tiles)
    for start in range(0, cp.size, CHUNK):
        end = min(cp.size, start + CHUNK)
        batch = source.entries(start, end)
        if len(batch) != end - start:
            raise LedgerError(f"asked for entries {start}..{end - 1}, got {len(batch)} entries")
        for offset, data in enumerate(batch):
            obj = parse_entry(data, start + offset)
            kind = str(obj["kind"])
            report.kinds[kind] = report.kinds.get(kind, 0) + 1
            old = _retired(obj, start + offset)
            if old is not None:
                report.retired_keys.append(old)
            builder.push(leaf_hash(data))
        report.entries = end
    root = builder.finish()
    report.tiles = builder.tiles
    if root != cp.root:
        raise LedgerError(f"the {cp.size} entries give root {root.hex()}, the signed checkpoint "
                          f"says {cp.root.hex()}")
    return report


def verify_old_checkpoint(source: Source, note: str, verifiers: Sequence[Verifier],
                          current: Checkpoint) -> Checkpoint:
    """Check that a checkpoint saved earlier is signed and that the current tree extends it."""
    old = open_checkpoint(note, verifiers)
    if old.origin != current.origin:
        raise LedgerError(f"the saved checkpoint is of log {old.origin!r}, not "
                          f"{current.origin!r}")
    if old.size > current.size:
        raise LedgerError(f"the saved checkpoint has size {old.size}, more than the current "
                          f"{current.size}: the log was cut back")
    proof = source.consistency_proof(old.size, current.size) if old.size else []
    verify_consistency(old.size, current.size, old.root, current.root, proof)
    return old


def verify_receipt(source: Source, receipt: Receipt, verifiers: Sequence[Verifier],
                   current: Checkpoint, entry: bytes | None = None) -> Checkpoint:
    """Check a receipt: its checkpoint is signed and includes the entry, the current tree
    extends that checkpoint and still holds the entry at its index."""
    if entry is not None and leaf_hash(entry) != receipt.leaf_hash:
        raise LedgerError(f"entry {receipt.index} hashes to {leaf_hash(entry).hex()}, the "
                          f"receipt says {receipt.leaf_hash.hex()} (the entry was changed)")
    old = verify_old_checkpoint(source, receipt.checkpoint, verifiers, current)
    if receipt.index >= old.size:
        raise LedgerError(f"the receipt's index {receipt.index} is not in its own checkpoint "
                          f"(size {old.size})")
    proof = source.inclusion_proof(receipt.index, current.size)
    check_inclusion(receipt.index, current.size, receipt.leaf_hash, proof, current.root)
    return old


def receipt_entry(source: Source, receipt: Receipt) -> bytes:
    """The entry a receipt is about, as the source serves it."""
    (data,) = source.entries(receipt.index, receipt.index + 1)
    return data


def summary(report: LogReport) -> str:
    kinds = json.dumps(report.kinds, sort_keys=True)
    return (f"{report.checkpoint.origin}: {report.entries} entries, {report.tiles} tiles, "
            f"root {report.checkpoint.root.hex()}; kinds {kinds}")
