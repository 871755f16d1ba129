"""The workspace ledger: durable appends, receipts, recovery, key rotation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.ledger import independent
from tests.ledger.conftest import ORIGIN, entries

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.note import open_checkpoint, parse_verifier_key, split_note
from agilegov.ledger.store import Ledger
from agilegov.ledger.tree import leaf_hash


def test_a_new_ledger_has_a_signed_empty_checkpoint(ledger: Ledger) -> None:
    assert ledger.size == 0
    origin, size, root = independent.open_checkpoint(ledger.checkpoint_note(),
                                                     ledger.verifier_key())
    assert (origin, size, root) == (ORIGIN, 0, independent.sha256(b""))
    assert (ledger.workspace / "keys" / "ledger.key").stat().st_mode & 0o777 == 0o600


def test_receipts_hold_the_index_leaf_hash_and_a_checkpoint_that_includes_it(
        ledger: Ledger) -> None:
    ledger.append_many(entries(3))
    receipts = ledger.append_many(entries(4, 3))
    data = ledger.entries(0, 7)
    assert [r.index for r in receipts] == [3, 4, 5, 6]
    for r in receipts:
        assert r.leaf_hash == leaf_hash(data[r.index])
        _origin, size, root = independent.open_checkpoint(r.checkpoint, ledger.verifier_key())
        assert size == 7 and root == independent.mth(data)
        independent.verify_inclusion(r.index, size, r.leaf_hash,
                                     ledger.inclusion_proof(r.index, size), root)


def test_append_accepts_entries_objects_and_canonical_bytes(ledger: Ledger) -> None:
    (entry,) = entries(1)
    ledger.append(entry)
    ledger.append(entry.to_dict())
    ledger.append(entry.canonical())
    assert ledger.entries(0, 3) == [entry.canonical()] * 3
    with pytest.raises(LedgerError, match="not RFC 8785"):
        ledger.append(entry.canonical().replace(b",", b", ", 1))
    assert ledger.append_many([]) == [] and ledger.size == 3


def test_reopening_gives_the_same_tree(tmp_path: Path) -> None:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(300))
        root, note = led.root(), led.checkpoint_note()
    with Ledger(tmp_path) as led:
        assert (led.size, led.root(), led.checkpoint_note()) == (300, root, note)
        led.append_many(entries(5, 300))
        assert led.root() == independent.mth(led.entries(0, 305))


def test_an_append_cut_short_before_the_checkpoint_leaves_no_trace(tmp_path: Path) -> None:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(10))
        note = led.checkpoint_note()
        led.append_many(entries(6, 10))
    # as if the process died after writing the files but before replacing the checkpoint
    (tmp_path / "ledger" / "checkpoint").write_text(note)
    with Ledger(tmp_path) as led:
        assert led.size == 10
        assert (tmp_path / "ledger" / "hashes" / "0.bin").stat().st_size == 10 * 32
        led.append_many(entries(1, 99))
        assert led.root() == independent.mth(led.entries(0, 11))


def test_changed_stored_hashes_are_found_on_opening(tmp_path: Path) -> None:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(8))
    path = tmp_path / "ledger" / "hashes" / "3.bin"
    path.write_bytes(bytes(32))
    with pytest.raises(LedgerError, match=r"stored hashes give root .*checkpoint says"):
        Ledger(tmp_path)


def test_a_read_only_ledger_does_not_write(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no ledger"):
        Ledger(tmp_path, readonly=True)
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(3))
    with Ledger(tmp_path, readonly=True) as ro:
        assert ro.size == 3
        with pytest.raises(LedgerError, match="read-only"):
            ro.append_many(entries(1))


def test_the_origin_is_fixed_by_the_key(tmp_path: Path) -> None:
    Ledger(tmp_path, origin=ORIGIN).close()
    with pytest.raises(LedgerError, match=r"origin is 'gov.example/ledger', not 'x'"):
        Ledger(tmp_path, origin="x")


def test_key_rotation_is_an_entry_signed_by_both_keys(tmp_path: Path) -> None:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(4))
        old_key = led.verifier_key()
        receipt = led.rotate_key()
        new_key = led.verifier_key()
        assert old_key != new_key and receipt.index == 4
        independent.open_checkpoint(receipt.checkpoint, old_key)
        independent.open_checkpoint(receipt.checkpoint, new_key)
        body = led.entries(4, 5)[0]
        assert b'"kind":"key.rotated"' in body and old_key.encode() in body
        later = led.append(entries(1)[0])
        independent.open_checkpoint(later.checkpoint, new_key)
        with pytest.raises(independent.Rejected):
            independent.open_checkpoint(later.checkpoint, old_key)
    keys = sorted(p.name for p in (tmp_path / "keys").iterdir())
    old_id = parse_verifier_key(old_key).id.hex()
    assert keys == sorted(["ledger.key", f"ledger-{old_id}.retired.key"])
    with Ledger(tmp_path) as led:
        assert led.verifier_key() == new_key and led.size == 6


def test_a_rotation_cut_short_is_finished_or_undone(tmp_path: Path) -> None:
    with Ledger(tmp_path, origin=ORIGIN) as led:
        led.append_many(entries(2))
        led.rotate_key()
        new_key = led.verifier_key()
    keys = tmp_path / "keys"
    retired = next(keys.glob("*.retired.key"))
    # as if the process died after the co-signed checkpoint, before swapping the key files
    os.replace(keys / "ledger.key", keys / "ledger.key.next")
    os.replace(retired, keys / "ledger.key")
    with Ledger(tmp_path) as led:
        assert led.verifier_key() == new_key
    # a next key that never signed anything is dropped
    with Ledger(tmp_path) as led:
        note = led.checkpoint_note()
    from agilegov.ledger.keys import generate_signer, write_signer

    write_signer(keys / "ledger.key.next", generate_signer(ORIGIN))
    with Ledger(tmp_path) as led:
        assert led.verifier_key() == new_key
        assert open_checkpoint(note, [led.verifier()]).size == 3
    assert not (keys / "ledger.key.next").exists()
    assert split_note(note)[0].startswith(ORIGIN)
