"""Producing proofs from stored complete-subtree hashes, in O(log n) hash reads.

The proofs are RFC 9162's: `PATH(m, D[n])` (section 2.1.3.1) and `PROOF(m, D[n])`
(section 2.1.4.1), with the hashes in the RFC's order (nearest the leaf first).
"""

from __future__ import annotations

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.tree import NodeReader, range_hash, split_point


def inclusion_proof(reader: NodeReader, index: int, size: int) -> list[bytes]:
    """The audit path of leaf `index` in the tree of the first `size` leaves."""
    if not 0 <= index < size:
        raise LedgerError(f"index {index} is not in a tree of size {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            proof.append(range_hash(reader, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(reader, start, start + k))
            start += k
    proof.reverse()
    return proof


def consistency_proof(reader: NodeReader, first: int, second: int) -> list[bytes]:
    """The proof that the tree of size `second` extends the tree of size `first`."""
    if not 0 <= first <= second:
        raise LedgerError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(range_hash(reader, start + k, end))
            end = start + k
        else:
            proof.append(range_hash(reader, start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        proof.append(range_hash(reader, start, end))
    proof.reverse()
    return proof
