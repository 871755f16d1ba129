"""The Merkle tree hash: known answers and agreement with the independent verifier."""

from __future__ import annotations

import random

import pytest
from tests.ledger import independent

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.tree import (
    EMPTY_ROOT,
    MemoryTree,
    leaf_hash,
    mth,
    node_hash,
    range_hash,
    split_point,
    verify_consistency,
    verify_inclusion,
)

# The eight inputs of the RFC 6962 reference test suite and the roots of their prefixes.
INPUTS = [
    b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert mth([]) == EMPTY_ROOT == MemoryTree().root()


def test_leaves_and_nodes_are_domain_separated() -> None:
    assert leaf_hash(b"") == independent.sha256(b"\x00")
    assert node_hash(b"a" * 32, b"b" * 32) == independent.sha256(b"\x01" + b"a" * 32 + b"b" * 32)


@pytest.mark.parametrize("n", range(1, 9))
def test_roots_of_the_reference_inputs(n: int) -> None:
    assert mth(INPUTS[:n]).hex() == ROOTS[n - 1]
    assert independent.mth(INPUTS[:n]).hex() == ROOTS[n - 1]


def test_roots_agree_with_the_independent_definition_up_to_300_leaves() -> None:
    data = [i.to_bytes(4, "big") * (i % 5) for i in range(300)]
    tree = MemoryTree(leaf_hash(d) for d in data)
    for n in range(301):
        assert tree.root(n) == independent.mth(data[:n]), n


def test_split_point_is_the_largest_power_of_two_below() -> None:
    assert [split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


def test_range_hash_of_a_right_edge_folds_its_complete_subtrees() -> None:
    data = [bytes([i]) for i in range(13)]
    tree = MemoryTree(leaf_hash(d) for d in data)
    assert range_hash(tree, 8, 13) == independent.mth(data[8:13])
    assert range_hash(tree, 12, 13) == leaf_hash(data[12])


def test_a_missing_subtree_is_an_error() -> None:
    tree = MemoryTree([leaf_hash(b"x")] * 3)
    with pytest.raises(LedgerError, match="level 1, index 1"):
        tree.node(1, 1)


def test_own_verification_accepts_the_rfc_proofs_and_rejects_changes() -> None:
    rng = random.Random(3)
    leaves = [leaf_hash(bytes([i % 256, i // 256])) for i in range(200)]
    for _ in range(300):
        n = rng.randint(1, 200)
        m = rng.randrange(n)
        root = independent.mth_of_leaf_hashes(leaves[:n])
        proof = independent.path(m, leaves[:n])
        verify_inclusion(m, n, leaves[m], proof, root)
        with pytest.raises(LedgerError, match=f"leaf {m}"):
            verify_inclusion(m, n, leaves[m], proof, leaf_hash(b"other root"))
        old = independent.mth_of_leaf_hashes(leaves[:m])
        cproof = independent.subproof(m, leaves[:n], True) if m else []
        verify_consistency(m, n, old, root, cproof)
        if m:
            with pytest.raises(LedgerError, match=f"from size {m} to {n}"):
                verify_consistency(m, n, leaf_hash(b"x"), root, cproof)


def test_malformed_proofs_say_what_is_wrong() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(10)]
    root = independent.mth_of_leaf_hashes(leaves)
    proof = independent.path(3, leaves)
    with pytest.raises(LedgerError, match="too few"):
        verify_inclusion(3, 10, leaves[3], proof[:-1], root)
    with pytest.raises(LedgerError, match="more than"):
        verify_inclusion(3, 10, leaves[3], [*proof, root], root)
    with pytest.raises(LedgerError, match="is 31 bytes"):
        verify_inclusion(3, 10, leaves[3], [proof[0][:31], *proof[1:]], root)
    with pytest.raises(LedgerError, match="not in a tree of size 10"):
        verify_inclusion(10, 10, leaves[3], proof, root)
    with pytest.raises(LedgerError, match="cannot extend"):
        verify_consistency(5, 4, root, root, [])
    with pytest.raises(LedgerError, match="different roots"):
        verify_consistency(4, 4, root, leaves[0], [])
    with pytest.raises(LedgerError, match="must be empty"):
        verify_consistency(0, 4, root, root, [root])
    with pytest.raises(LedgerError, match="is empty"):
        verify_consistency(3, 4, root, root, [])
