"""The Merkle tree of RFC 9162 (section 2.1) with SHA-256, and proof verification.

A leaf is `SHA-256(0x00 || entry)`, an inner node `SHA-256(0x01 || left || right)`, the hash of
the empty tree `SHA-256()`. A *complete subtree* at level `L` and index `N` covers the leaves
`N * 2**L .. (N + 1) * 2**L - 1`; every hash a proof needs is made of such subtrees, which is
what a `NodeReader` gives (from memory, from the store's files, or from tiles).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from agilegov.ledger.errors import LedgerError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than `n` (n >= 2): RFC 9162's `k`."""
    return 1 << ((n - 1).bit_length() - 1)


class NodeReader(Protocol):
    def node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree at `level` and `index`."""
        ...


def range_hash(reader: NodeReader, start: int, end: int) -> bytes:
    """MTH of the leaves `start .. end - 1`, for a range RFC 9162's recursion produces
    (`start` a multiple of a power of two at least `end - start`)."""
    if end <= start:
        raise LedgerError(f"empty leaf range {start}..{end}")
    # The range splits into complete subtrees, largest first; fold them from the right.
    parts: list[bytes] = []
    pos = start
    while pos < end:
        width = end - pos
        level = width.bit_length() - 1
        while pos & ((1 << level) - 1):
            level -= 1
        parts.append(reader.node(level, pos >> level))
        pos += 1 << level
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def root_hash(reader: NodeReader, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else range_hash(reader, 0, size)


class MemoryTree:
    """Every complete subtree hash of a list of leaf hashes, kept in memory."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        self.levels[0].append(leaf)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            row = self.levels[level]
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(node_hash(row[-2], row[-1]))
            level += 1

    def node(self, level: int, index: int) -> bytes:
        try:
            return self.levels[level][index]
        except IndexError:
            raise LedgerError(f"no complete subtree at level {level}, index {index}") from None

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self, self.size if size is None else size)


def mth(entries: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a list of entries."""
    return MemoryTree(leaf_hash(e) for e in entries).root()


def _hex(h: bytes) -> str:
    return h.hex()


def inclusion_root(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 2.1.3.2); raises if it is malformed."""
    if index >= size or index < 0:
        raise LedgerError(f"index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for i, p in enumerate(proof):
        if len(p) != HASH_SIZE:
            raise LedgerError(f"inclusion proof hash {i} is {len(p)} bytes, expected 32")
        if sn == 0:
            raise LedgerError(f"the inclusion proof for index {index} in size {size} has "
                              f"{len(proof)} hashes, more than the {i} expected")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerError(f"the inclusion proof for index {index} in size {size} has only "
                          f"{len(proof)} hashes, too few")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     root: bytes) -> None:
    got = inclusion_root(index, size, leaf, proof)
    if got != root:
        raise LedgerError(
            f"leaf {index} (hash {_hex(leaf)}) is not included in the tree of size {size}: "
            f"the proof leads to root {_hex(got)}, the checkpoint says {_hex(root)}"
        )


def consistency_roots(first: int, second: int, first_root: bytes,
                      proof: Sequence[bytes]) -> tuple[bytes, bytes]:
    """The (first, second) roots a consistency proof leads to (RFC 9162 2.1.4.2), for
    0 < first < second; raises if it is malformed."""
    for i, p in enumerate(proof):
        if len(p) != HASH_SIZE:
            raise LedgerError(f"consistency proof hash {i} is {len(p)} bytes, expected 32")
    if not proof:
        raise LedgerError(f"the consistency proof from size {first} to {second} is empty")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise LedgerError(f"the consistency proof from size {first} to {second} has "
                              f"too many hashes ({len(proof)})")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerError(f"the consistency proof from size {first} to {second} has too few "
                          f"hashes ({len(proof)})")
    return fr, sr


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Check that the tree of size `second` extends the tree of size `first`."""
    if first > second or first < 0:
        raise LedgerError(f"a tree of size {second} cannot extend one of size {first}")
    if first == second or first == 0:
        if proof:
            raise LedgerError(f"the consistency proof from size {first} to {second} must be "
                              f"empty, it has {len(proof)} hashes")
        if first == second and first_root != second_root:
            raise LedgerError(f"two different roots for size {first}: {_hex(first_root)} and "
                              f"{_hex(second_root)}")
        return
    fr, sr = consistency_roots(first, second, first_root, proof)
    if fr != first_root:
        raise LedgerError(
            f"the consistency proof from size {first} to {second} leads to old root "
            f"{_hex(fr)}, the old checkpoint says {_hex(first_root)}"
        )
    if sr != second_root:
        raise LedgerError(
            f"the consistency proof from size {first} to {second} leads to new root "
            f"{_hex(sr)}, the new checkpoint says {_hex(second_root)}"
        )
