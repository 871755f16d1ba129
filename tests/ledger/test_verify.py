"""Verifying a ledger: each failure says exactly what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ledger.conftest import ORIGIN, entries

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.note import Checkpoint, sign_note
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.store import Ledger
from agilegov.ledger.tree import leaf_hash
from agilegov.ledger.verify import (
    receipt_entry,
    verify_log,
    verify_old_checkpoint,
    verify_receipt,
)


def filled(tmp_path: Path, n: int = 600) -> Ledger:
    led = Ledger(tmp_path, origin=ORIGIN)
    led.append_many(entries(n))
    return led


def test_a_sound_log_verifies_and_every_tile_is_checked(tmp_path: Path) -> None:
    with filled(tmp_path) as led:
        report = verify_log(led, [led.verifier()])
        assert report.entries == 600 and report.checkpoint == led.checkpoint()
        assert report.tiles == 3 + 1  # level 0: two full and one partial; level 1: partial
        assert report.kinds == {"events.received": 600}


def test_a_changed_entry_is_found_by_index(tmp_path: Path) -> None:
    with filled(tmp_path) as led:
        data = led.entries(0, 600)
    path = tmp_path / "ledger" / "entries.bin"
    raw = path.read_bytes()
    target = data[517]
    changed = target.replace(b'"batch":517', b'"batch":518')
    path.write_bytes(raw.replace(target, changed))
    with Ledger(tmp_path, readonly=True) as led, pytest.raises(LedgerError) as info:
        verify_log(led, [led.verifier()])
    message = str(info.value)
    assert "entry 517: its leaf hash is " + leaf_hash(changed).hex() in message
    assert "tile/0/002.p/88 says " + leaf_hash(target).hex() in message


def test_a_checkpoint_that_does_not_match_the_entries_is_refused(tmp_path: Path) -> None:
    with filled(tmp_path, 10) as led:
        forged = sign_note(Checkpoint(ORIGIN, 10, leaf_hash(b"x")).text(), [led.signer])  # type: ignore[list-item]

        class Forged:
            def __getattr__(self, name: str) -> object:
                return getattr(led, name)

            def checkpoint_note(self) -> str:
                return forged

        with pytest.raises(LedgerError, match=r"the 10 entries give root .* signed checkpoint"):
            verify_log(Forged(), [led.verifier()])  # type: ignore[arg-type]


def test_a_tampered_signature_is_refused(tmp_path: Path) -> None:
    with filled(tmp_path, 3) as led:
        note = led.checkpoint_note()
    (tmp_path / "ledger" / "checkpoint").write_text(note.replace("\n3\n", "\n2\n"))
    with pytest.raises(LedgerError, match=r"signature line 1: the signature by gov.example"):
        Ledger(tmp_path)


def test_receipts_verify_later_and_changes_are_named(tmp_path: Path) -> None:
    with filled(tmp_path, 20) as led:
        receipt = led.append(entries(1, 20)[0])
        led.append_many(entries(50, 21))
        current = led.checkpoint()
        keys = [led.verifier()]
        entry = receipt_entry(led, receipt)
        old = verify_receipt(led, receipt, keys, current, entry)
        assert old.size == 21
        with pytest.raises(LedgerError, match=r"entry 20 hashes to .* \(the entry was changed\)"):
            verify_receipt(led, receipt, keys, current, entry + b" ")
        wrong = Receipt(19, receipt.leaf_hash, receipt.checkpoint)
        with pytest.raises(LedgerError, match=r"leaf 19 .* not included in the tree of size 71"):
            verify_receipt(led, wrong, keys, current)
        beyond = Receipt(30, receipt.leaf_hash, receipt.checkpoint)
        with pytest.raises(LedgerError, match="index 30 is not in its own checkpoint"):
            verify_receipt(led, beyond, keys, current)


def test_a_saved_checkpoint_must_be_a_prefix_of_the_current_one(tmp_path: Path) -> None:
    with filled(tmp_path, 20) as led:
        saved = led.checkpoint_note()
        led.append_many(entries(13, 20))
        current = led.checkpoint()
        keys = [led.verifier()]
        assert verify_old_checkpoint(led, saved, keys, current).size == 20
        assert led.signer is not None
        fork = sign_note(Checkpoint(ORIGIN, 20, leaf_hash(b"fork")).text(), [led.signer])
        with pytest.raises(LedgerError, match="from size 20 to 33 leads to old root"):
            verify_old_checkpoint(led, fork, keys, current)
        bigger = sign_note(Checkpoint(ORIGIN, 40, current.root).text(), [led.signer])
        with pytest.raises(LedgerError, match="size 40, more than the current 33"):
            verify_old_checkpoint(led, bigger, keys, current)
        other = sign_note(Checkpoint("elsewhere", 5, current.root).text(), [led.signer])
        with pytest.raises(LedgerError, match="of log 'elsewhere'"):
            verify_old_checkpoint(led, other, keys, current)


def test_checkpoints_of_a_retired_key_verify_with_the_keys_the_log_names(
        tmp_path: Path) -> None:
    with filled(tmp_path, 5) as led:
        receipt = led.append(entries(1, 5)[0])
        led.rotate_key()
        led.append_many(entries(3, 6))
        report = verify_log(led, [led.verifier()])
        assert report.kinds["key.rotated"] == 1 and len(report.retired_keys) == 1
        with pytest.raises(LedgerError, match="not signed by a known key"):
            verify_receipt(led, receipt, [led.verifier()], report.checkpoint)
        verify_receipt(led, receipt, [led.verifier(), *report.retired_keys], report.checkpoint)
