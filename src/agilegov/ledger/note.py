"""C2SP `tlog-checkpoint` texts and C2SP `signed-note`s with Ed25519 keys.

A checkpoint is three lines (origin, decimal tree size, base64 root hash) and optional
extension lines. A signed note is the text, a blank line, then one line per signature:
`— <key name> <base64(key id || signature)>`. The key id of an Ed25519 key is the first four
bytes of `SHA-256(name || 0x0A || 0x01 || public key)`; its verifier key is published as
`<name>+<hex key id>+<base64(0x01 || public key)>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from agilegov.ledger.errors import LedgerError

ED25519 = 0x01
SIG_PREFIX = "— "


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise LedgerError(f"{what} is not valid base64: {text!r}") from exc


def check_key_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise LedgerError(f"a key name must be non-empty, without spaces or '+': {name!r}")


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public).digest()[:4]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint of a note's text (the part before the signatures)."""
    if not text.endswith("\n"):
        raise LedgerError("a checkpoint must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise LedgerError(f"a checkpoint has at least 3 lines, this one has {len(lines)}")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise LedgerError("checkpoint line 1: the origin is empty")
    if not size_text.isascii() or not size_text.isdigit() or (
            size_text != "0" and size_text.startswith("0")):
        raise LedgerError(f"checkpoint line 2: expected a decimal tree size, got {size_text!r}")
    root = unb64(root_text, "checkpoint line 3 (the root hash)")
    if len(root) != 32:
        raise LedgerError(f"checkpoint line 3: the root hash is {len(root)} bytes, expected 32")
    if any(not line for line in extensions):
        raise LedgerError("a checkpoint's extension lines may not be empty")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


@dataclass(frozen=True)
class Verifier:
    name: str
    id: bytes
    public: bytes

    def key(self) -> str:
        """The verifier key in note format."""
        return f"{self.name}+{self.id.hex()}+{b64(bytes([ED25519]) + self.public)}"

    def verifies(self, text: str, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text.encode())
        except InvalidSignature:
            return False
        return True


def parse_verifier_key(vkey: str) -> Verifier:
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise LedgerError(f"a verifier key is '<name>+<hex key id>+<base64 key>', got {vkey!r}")
    name, hex_id, key_text = parts
    check_key_name(name)
    try:
        kid = bytes.fromhex(hex_id)
    except ValueError:
        kid = b""
    if len(kid) != 4 or len(hex_id) != 8:
        raise LedgerError(f"the key id of a verifier key is 8 hex digits, got {hex_id!r}")
    raw = unb64(key_text, "the verifier key")
    if len(raw) != 33 or raw[0] != ED25519:
        raise LedgerError("the verifier key is not an Ed25519 key (0x01 and 32 bytes)")
    if key_id(name, raw[1:]) != kid:
        raise LedgerError(f"the key id {hex_id} does not match the key named {name!r}")
    return Verifier(name, kid, raw[1:])


class Signer:
    """An Ed25519 note signer: a key name and a private key."""

    def __init__(self, name: str, private: Ed25519PrivateKey) -> None:
        check_key_name(name)
        self.name = name
        self.private = private
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = Verifier(name, key_id(name, public), public)

    def signature_line(self, text: str) -> str:
        sig = self.private.sign(text.encode("utf-8"))
        return f"{SIG_PREFIX}{self.name} {b64(self.verifier.id + sig)}\n"


def check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise LedgerError("a note's text must end with a newline")
    bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or c == "\x7f"]
    if bad:
        raise LedgerError(f"a note's text may not hold control character {bad[0]!r}")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    check_text(text)
    if not signers:
        raise LedgerError("a signed note needs at least one signer")
    return text + "\n" + "".join(s.signature_line(text) for s in signers)


@dataclass(frozen=True)
class Signature:
    name: str
    id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[Signature]]:
    """A signed note's text and its signatures (not yet verified)."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise LedgerError("not a signed note: no blank line before the signatures")
    text = note[: cut + 1]
    check_text(text)
    sigs: list[Signature] = []
    for n, line in enumerate(note[cut + 2 : -1].split("\n"), start=1):
        if not line.startswith(SIG_PREFIX):
            raise LedgerError(f"signature line {n} does not start with '— ': {line!r}")
        name, _, encoded = line[len(SIG_PREFIX):].rpartition(" ")
        raw = unb64(encoded, f"signature line {n}")
        if not name or len(raw) < 5:
            raise LedgerError(f"signature line {n} is not '— <name> <base64>': {line!r}")
        sigs.append(Signature(name, raw[:4], raw[4:]))
    return text, sigs


def open_note(note: str, verifiers: Sequence[Verifier]) -> tuple[str, list[Verifier]]:
    """The text of a signed note and the known keys that signed it.

    Signatures by unknown keys are ignored; a signature claiming a known key that does not
    verify is an error; at least one known key must have signed.
    """
    text, sigs = split_note(note)
    known = {(v.name, v.id): v for v in verifiers}
    signed: list[Verifier] = []
    for n, sig in enumerate(sigs, start=1):
        verifier = known.get((sig.name, sig.id))
        if verifier is None:
            continue
        if not verifier.verifies(text, sig.signature):
            raise LedgerError(
                f"signature line {n}: the signature by {sig.name}+{sig.id.hex()} does not "
                "verify (the note's text or the signature was changed)"
            )
        signed.append(verifier)
    if not signed:
        names = ", ".join(f"{s.name}+{s.id.hex()}" for s in sigs) or "none"
        expected = ", ".join(f"{v.name}+{v.id.hex()}" for v in verifiers)
        raise LedgerError(f"the note is not signed by a known key (expected {expected}; "
                          f"signed by {names})")
    return text, signed


def open_checkpoint(note: str, verifiers: Sequence[Verifier]) -> Checkpoint:
    """A checkpoint from a signed note, its signature checked."""
    text, _ = open_note(note, verifiers)
    checkpoint = parse_checkpoint(text)
    return checkpoint
