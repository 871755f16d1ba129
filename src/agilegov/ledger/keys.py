"""The ledger's Ed25519 signing key: made, written (mode 0600) and read.

A key file holds one line in the signer-key format of the Go `note` package:
`PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>`, so standard tools can
use it. The workspace keeps the key in force at `keys/ledger.key`; a retired key is kept as
`keys/ledger-<hex key id>.retired.key` (rotation itself is recorded in the ledger).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.note import ED25519, Signer, b64, check_key_name, key_id, unb64

KEY_FILE = "ledger.key"
NEXT_KEY_FILE = "ledger.key.next"
PREFIX = "PRIVATE+KEY+"


def generate_signer(name: str) -> Signer:
    check_key_name(name)
    return Signer(name, Ed25519PrivateKey.generate())


def signer_key(signer: Signer) -> str:
    """The signer key text (secret!) of a signer."""
    seed = signer.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return f"{PREFIX}{signer.name}+{signer.verifier.id.hex()}+{b64(bytes([ED25519]) + seed)}"


def parse_signer_key(text: str, where: str = "the key") -> Signer:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise LedgerError(f"{where}: expected 'PRIVATE+KEY+<name>+<hex id>+<base64 key>'")
    parts = text[len(PREFIX):].split("+", 2)
    if len(parts) != 3:
        raise LedgerError(f"{where}: expected 'PRIVATE+KEY+<name>+<hex id>+<base64 key>'")
    name, hex_id, encoded = parts
    raw = unb64(encoded, where)
    if len(raw) != 33 or raw[0] != ED25519:
        raise LedgerError(f"{where}: not an Ed25519 key (0x01 and a 32-byte seed)")
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.verifier.id.hex() != hex_id.lower():
        raise LedgerError(f"{where}: the key id {hex_id} does not match the key (expected "
                          f"{key_id(name, signer.verifier.public).hex()})")
    return signer


def write_signer(path: Path, signer: Signer) -> None:
    """Write a key file readable by its owner only; never overwrites an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, (signer_key(signer) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)


def read_signer(path: Path) -> Signer:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise LedgerError(f"{path}: the signing key is readable by others (mode {mode:o}); "
                          "make it 0600")
    return parse_signer_key(path.read_text("ascii"), str(path))


def load_or_create_signer(keys_dir: Path, name: str) -> Signer:
    """The key in force of a workspace, made on first use."""
    path = keys_dir / KEY_FILE
    if path.exists():
        signer = read_signer(path)
        if signer.name != name:
            raise LedgerError(f"{path}: the key is named {signer.name!r}, the ledger's origin "
                              f"is {name!r}")
        return signer
    signer = generate_signer(name)
    write_signer(path, signer)
    return signer


def retired_path(keys_dir: Path, signer: Signer) -> Path:
    return keys_dir / f"ledger-{signer.verifier.id.hex()}.retired.key"
