"""Proofs made from the stored subtree hashes: the independent verifier accepts every one
and rejects every change."""

from __future__ import annotations

import random

import pytest
from tests.ledger import independent
from tests.ledger.conftest import entries

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.proofs import consistency_proof, inclusion_proof
from agilegov.ledger.store import Ledger
from agilegov.ledger.tree import MemoryTree, leaf_hash


def flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ledger, list[bytes]]:
    led = Ledger(tmp_path_factory.mktemp("big"), origin="gov.example/ledger")
    for start in range(0, 10_000, 2_500):
        led.append_many(entries(2_500, start))
    data = led.entries(0, led.size)
    return led, [leaf_hash(d) for d in data]


def test_every_pair_up_to_70_is_the_rfc_proof_and_verifies(
        big: tuple[Ledger, list[bytes]]) -> None:
    led, leaves = big
    for n in range(1, 71):
        root = independent.mth_of_leaf_hashes(leaves[:n])
        assert led.root(n) == root
        for m in range(n):
            proof = led.inclusion_proof(m, n)
            assert proof == independent.path(m, leaves[:n])
            independent.verify_inclusion(m, n, leaves[m], proof, root)
        for m in range(n + 1):
            cproof = led.consistency_proof(m, n)
            old = independent.mth_of_leaf_hashes(leaves[:m])
            if 0 < m < n:
                assert cproof == independent.subproof(m, leaves[:n], True)
            independent.verify_consistency(m, n, old, root, cproof)


def test_random_pairs_up_to_10k_verify(big: tuple[Ledger, list[bytes]]) -> None:
    led, leaves = big
    rng = random.Random(11)
    tree = MemoryTree(leaves)
    for _ in range(40):
        n = rng.randint(2, 10_000)
        m = rng.randrange(1, n)
        root = independent.mth_of_leaf_hashes(leaves[:n])
        assert tree.root(n) == root == led.root(n)
        independent.verify_inclusion(m, n, leaves[m], led.inclusion_proof(m, n), root)
        old = independent.mth_of_leaf_hashes(leaves[:m])
        independent.verify_consistency(m, n, old, root, led.consistency_proof(m, n))


def test_every_change_is_rejected(big: tuple[Ledger, list[bytes]]) -> None:
    led, leaves = big
    rng = random.Random(5)
    pairs = [(m, n) for n in range(2, 40) for m in range(1, n)]
    pairs += [(rng.randrange(1, n), n) for n in rng.sample(range(2, 10_000), 15)]
    for m, n in pairs:
        root, old = led.root(n), led.root(m)
        proof = led.inclusion_proof(m, n)
        reject = pytest.raises(independent.Rejected)
        with reject:
            independent.verify_inclusion(m, n, flip(leaves[m]), proof, root)
        with reject:
            independent.verify_inclusion(m, n, leaves[m], proof, flip(root))
        with reject:
            independent.verify_inclusion(m - 1, n, leaves[m], proof, root)
        for i in range(len(proof)):
            changed = [*proof[:i], flip(proof[i]), *proof[i + 1:]]
            with reject:
                independent.verify_inclusion(m, n, leaves[m], changed, root)
        cproof = led.consistency_proof(m, n)
        with reject:
            independent.verify_consistency(m, n, flip(old), root, cproof)
        with reject:
            independent.verify_consistency(m, n, old, flip(root), cproof)
        for i in range(len(cproof)):
            changed = [*cproof[:i], flip(cproof[i]), *cproof[i + 1:]]
            with reject:
                independent.verify_consistency(m, n, old, root, changed)
        with reject:
            independent.verify_consistency(m, n, old, root, cproof[:-1])


def test_proofs_need_a_committed_size(big: tuple[Ledger, list[bytes]]) -> None:
    led, _ = big
    with pytest.raises(LedgerError, match="tree size 10001"):
        led.inclusion_proof(0, 10_001)
    with pytest.raises(LedgerError, match="index 5 is not in a tree of size 5"):
        inclusion_proof(led.tree, 5, 5)
    with pytest.raises(LedgerError, match="from size 6 to size 5"):
        consistency_proof(led.tree, 6, 5)
    assert consistency_proof(led.tree, 0, 5) == [] == consistency_proof(led.tree, 5, 5)
