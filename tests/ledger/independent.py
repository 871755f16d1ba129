"""An independent verifier, written from RFC 9162 (sections 2.1.1-2.1.4) and the C2SP
`tlog-checkpoint`, `signed-note` and `tlog-tiles` specifications alone.

It shares no code with `agilegov.ledger`, and deliberately follows the RFC's recursive
definitions rather than the bit-twiddling algorithms, so a mistake in one is unlikely to be
repeated in the other. Ed25519 comes from the `cryptography` package.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Rejected(Exception):
    """The independent verifier does not accept the input."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(entries: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.1, literally."""
    n = len(entries)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + entries[0])
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + mth(entries[:k]) + mth(entries[k:]))


def mth_of_leaf_hashes(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + mth_of_leaf_hashes(leaves[:k]) + mth_of_leaf_hashes(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1 PATH(m, D[n]) over leaf hashes, literally."""
    n = len(leaves)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return [*path(m, leaves[:k]), mth_of_leaf_hashes(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth_of_leaf_hashes(leaves[:k])]


def subproof(m: int, leaves: Sequence[bytes], b: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1 SUBPROOF(m, D[n], b), literally."""
    n = len(leaves)
    if m == n:
        return [] if b else [mth_of_leaf_hashes(leaves)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return [*subproof(m, leaves[:k], b), mth_of_leaf_hashes(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth_of_leaf_hashes(leaves[:k])]


def _inclusion_root(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """Rebuild the root from the outermost proof hash (the last) inwards."""
    if size == 1:
        if proof:
            raise Rejected("inclusion proof too long")
        return leaf
    if not proof:
        raise Rejected("inclusion proof too short")
    k = largest_power_of_two_below(size)
    sibling = proof[-1]
    if index < k:
        return sha256(b"\x01" + _inclusion_root(index, k, leaf, proof[:-1]) + sibling)
    return sha256(b"\x01" + sibling + _inclusion_root(index - k, size - k, leaf, proof[:-1]))


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     root: bytes) -> None:
    if not 0 <= index < size:
        raise Rejected("index out of range")
    if any(len(p) != 32 for p in proof):
        raise Rejected("a proof hash is not 32 bytes")
    if _inclusion_root(index, size, leaf, list(proof)) != root:
        raise Rejected("inclusion proof does not lead to the root")


def _consistency(m: int, n: int, whole: bool, old_root: bytes,
                 proof: list[bytes]) -> tuple[bytes, bytes]:
    """(hash of the old tree's part, hash of the new tree's part) for SUBPROOF(m, D[n], b)."""
    if m == n:
        if whole:
            if proof:
                raise Rejected("consistency proof too long")
            return old_root, old_root
        if len(proof) != 1:
            raise Rejected("consistency proof of the wrong length")
        return proof[0], proof[0]
    if not proof:
        raise Rejected("consistency proof too short")
    k = largest_power_of_two_below(n)
    last = proof[-1]
    if m <= k:
        old, new = _consistency(m, k, whole, old_root, proof[:-1])
        return old, sha256(b"\x01" + new + last)
    old, new = _consistency(m - k, n - k, False, old_root, proof[:-1])
    return sha256(b"\x01" + last + old), sha256(b"\x01" + last + new)


def verify_consistency(m: int, n: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    if not 0 <= m <= n:
        raise Rejected("sizes out of order")
    if any(len(p) != 32 for p in proof):
        raise Rejected("a proof hash is not 32 bytes")
    if m == 0 or m == n:
        if proof:
            raise Rejected("the proof must be empty")
        if m == n and old_root != new_root:
            raise Rejected("same size, different roots")
        return
    old, new = _consistency(m, n, True, old_root, list(proof))
    if old != old_root or new != new_root:
        raise Rejected("consistency proof does not lead to both roots")


# --- C2SP signed-note and tlog-checkpoint ---------------------------------------------------


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, 4-byte key id, 32-byte Ed25519 public key) of a note verifier key."""
    name, key_hash, key = vkey.split("+", 2)
    raw = base64.b64decode(key)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise Rejected("not an Ed25519 verifier key")
    kid = sha256(name.encode() + b"\x0a" + raw)[:4]
    if kid.hex() != key_hash:
        raise Rejected("verifier key id mismatch")
    return name, kid, raw[1:]


def open_signed_note(note: str, vkey: str) -> str:
    """The text of a note if `vkey` signed it; unknown signatures are skipped."""
    name, kid, public = parse_vkey(vkey)
    text, sep, sigs = note.rpartition("\n\n")
    if not sep:
        raise Rejected("no signature block")
    text += "\n"
    ok = False
    for line in sigs.split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            raise Rejected("malformed signature line")
        signer, blob = line[2:].split(" ")
        raw = base64.b64decode(blob)
        if signer != name or raw[:4] != kid:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
        except InvalidSignature:
            raise Rejected("bad signature") from None
        ok = True
    if not ok:
        raise Rejected("no signature from the trusted key")
    return text


def open_checkpoint(note: str, vkey: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root hash) of a signed checkpoint."""
    lines = open_signed_note(note, vkey).split("\n")
    origin, size, root = lines[0], lines[1], base64.b64decode(lines[2], validate=True)
    if not size.isdigit() or (len(size) > 1 and size[0] == "0") or len(root) != 32:
        raise Rejected("malformed checkpoint")
    return origin, int(size), root


# --- C2SP tlog-tiles ------------------------------------------------------------------------


def tile_path(level: int | str, n: int, width: int = 256) -> str:
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    elements = ["x" + g for g in groups[:-1]] + [groups[-1]]
    out = f"tile/{level}/" + "/".join(elements)
    return out if width == 256 else out + f".p/{width}"


def bundle_entries(bundle: bytes) -> list[bytes]:
    out: list[bytes] = []
    while bundle:
        size = int.from_bytes(bundle[:2], "big")
        out.append(bundle[2 : 2 + size])
        bundle = bundle[2 + size :]
    return out
