"""The signing key file: note signer-key format, mode 0600."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.keys import (
    generate_signer,
    load_or_create_signer,
    parse_signer_key,
    read_signer,
    signer_key,
    write_signer,
)


def test_a_key_file_is_private_and_round_trips(tmp_path: Path) -> None:
    signer = generate_signer("gov.example/ledger")
    path = tmp_path / "keys" / "ledger.key"
    write_signer(path, signer)
    assert os.stat(path).st_mode & 0o777 == 0o600
    again = read_signer(path)
    assert again.verifier == signer.verifier
    assert path.read_text().startswith(f"PRIVATE+KEY+gov.example/ledger+"
                                       f"{signer.verifier.id.hex()}+")


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ledger.key"
    write_signer(path, generate_signer("a"))
    with pytest.raises(FileExistsError):
        write_signer(path, generate_signer("a"))


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.key"
    write_signer(path, generate_signer("a"))
    path.chmod(0o644)
    with pytest.raises(LedgerError, match="readable by others"):
        read_signer(path)


def test_load_or_create_makes_the_key_once(tmp_path: Path) -> None:
    first = load_or_create_signer(tmp_path, "log")
    assert load_or_create_signer(tmp_path, "log").verifier == first.verifier
    with pytest.raises(LedgerError, match="named 'log'"):
        load_or_create_signer(tmp_path, "other")


def test_bad_signer_keys_are_refused() -> None:
    text = signer_key(generate_signer("log"))
    prefix = "PRIVATE+KEY+log+"
    hex_id, encoded = text[len(prefix):].split("+", 1)
    with pytest.raises(LedgerError, match="expected 'PRIVATE"):
        parse_signer_key("log+00+AA==")
    with pytest.raises(LedgerError, match="does not match"):
        parse_signer_key(f"{prefix}00000000+{encoded}")
    with pytest.raises(LedgerError, match="not an Ed25519 key"):
        parse_signer_key(f"{prefix}{hex_id}+AQ==")
