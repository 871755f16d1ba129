"""Checkpoints and signed notes, checked against the independent C2SP verifier."""

from __future__ import annotations

import base64

import pytest
from tests.ledger import independent

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.keys import generate_signer
from agilegov.ledger.note import (
    Checkpoint,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_verifier_key,
    sign_note,
)
from agilegov.ledger.tree import leaf_hash

ROOT = leaf_hash(b"root")


def test_checkpoint_text_is_origin_size_and_base64_root() -> None:
    cp = Checkpoint("gov.example/ledger", 42, ROOT)
    assert cp.text() == f"gov.example/ledger\n42\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_checkpoint(cp.text()) == cp
    ext = Checkpoint("o", 1, ROOT, ("time 123",))
    assert parse_checkpoint(ext.text()) == ext


@pytest.mark.parametrize(("text", "message"), [
    ("o\n1\n", "at least 3 lines"),
    ("o\n01\n" + base64.b64encode(ROOT).decode() + "\n", "decimal tree size"),
    ("o\n-1\n" + base64.b64encode(ROOT).decode() + "\n", "decimal tree size"),
    ("o\n1\nnot base64!\n", "line 3"),
    ("o\n1\n" + base64.b64encode(b"short").decode() + "\n", "5 bytes, expected 32"),
    ("o\n1\n" + base64.b64encode(ROOT).decode(), "end with a newline"),
])
def test_bad_checkpoints_are_refused(text: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        parse_checkpoint(text)


def test_signed_checkpoints_verify_with_the_independent_verifier() -> None:
    signer = generate_signer("gov.example/ledger")
    for size in (0, 1, 7, 10_000_000):
        cp = Checkpoint(signer.name, size, leaf_hash(str(size).encode()))
        note = sign_note(cp.text(), [signer])
        vkey = signer.verifier.key()
        assert independent.open_checkpoint(note, vkey) == (signer.name, size, cp.root)
        assert open_checkpoint(note, [parse_verifier_key(vkey)]) == cp


def test_key_id_and_verifier_key_follow_c2sp() -> None:
    signer = generate_signer("gov.example/ledger")
    name, kid, public = independent.parse_vkey(signer.verifier.key())
    assert (name, kid, public) == (signer.name, signer.verifier.id, signer.verifier.public)
    assert signer.verifier.key().startswith(f"gov.example/ledger+{kid.hex()}+")


def test_every_change_to_a_signed_checkpoint_is_rejected() -> None:
    signer = generate_signer("gov.example/ledger")
    note = sign_note(Checkpoint(signer.name, 9, ROOT).text(), [signer])
    vkey = signer.verifier.key()
    _text, sigs = note.split("\n\n")
    other_root = base64.b64encode(leaf_hash(b"other")).decode()
    changes = [
        note.replace("\n9\n", "\n10\n"),
        note.replace(base64.b64encode(ROOT).decode(), other_root),
        note.replace("gov.example/ledger\n", "gov.example/other\n", 1),
    ]
    blob = sigs.split(" ")[-1].strip()
    raw = base64.b64decode(blob)
    changes.append(note.replace(blob, base64.b64encode(raw[:-1] + bytes([raw[-1] ^ 1]))
                                .decode()))
    for changed in changes:
        with pytest.raises(independent.Rejected):
            independent.open_checkpoint(changed, vkey)
        with pytest.raises(LedgerError):
            open_checkpoint(changed, [signer.verifier])
    stranger = generate_signer("gov.example/ledger")
    with pytest.raises(independent.Rejected):
        independent.open_checkpoint(note, stranger.verifier.key())
    with pytest.raises(LedgerError, match="not signed by a known key"):
        open_checkpoint(note, [stranger.verifier])


def test_a_bad_signature_names_its_line_and_key() -> None:
    signer, other = generate_signer("log"), generate_signer("witness")
    note = sign_note("log\n1\n" + base64.b64encode(ROOT).decode() + "\n", [other, signer])
    forged = note.replace("\n1\n", "\n2\n", 1)
    with pytest.raises(LedgerError, match=f"signature line 2: .*log\\+{signer.verifier.id.hex()}"):
        open_note(forged, [signer.verifier])


def test_unknown_signatures_are_skipped() -> None:
    signer, other = generate_signer("log"), generate_signer("witness")
    note = sign_note("hello\n", [other, signer])
    text, signed = open_note(note, [signer.verifier])
    assert text == "hello\n" and signed == [signer.verifier]
    assert independent.open_signed_note(note, signer.verifier.key()) == "hello\n"


@pytest.mark.parametrize(("vkey", "message"), [
    ("log+1234", "'<name>\\+<hex key id>\\+<base64 key>'"),
    ("log+xyz+AQ==", "8 hex digits"),
    ("log+00000000+AQ==", "not an Ed25519 key"),
    ("bad name+00000000+AQ==", "key name"),
])
def test_bad_verifier_keys_are_refused(vkey: str, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        parse_verifier_key(vkey)


def test_a_verifier_key_with_the_wrong_id_is_refused() -> None:
    name, kid, rest = generate_signer("log").verifier.key().split("+", 2)
    wrong = f"{name}+{(int(kid, 16) ^ 1):08x}+{rest}"
    with pytest.raises(LedgerError, match="does not match"):
        parse_verifier_key(wrong)


def test_notes_refuse_control_characters_and_missing_newline() -> None:
    signer = generate_signer("log")
    with pytest.raises(LedgerError, match="end with a newline"):
        sign_note("x", [signer])
    with pytest.raises(LedgerError, match="control character"):
        sign_note("a\tb\n", [signer])
    with pytest.raises(LedgerError, match="no blank line"):
        open_note("just text\n", [signer.verifier])
