"""Keyed pseudonyms for personal fields: HMAC-SHA256, one key ring per domain.

`keys/<domain>.json` holds `{"current": "k2", "keys": {"k1": "<hex>", "k2": "<hex>"}}`
(created with a fresh random 256-bit key on first use, readable by its owner only).
A pseudonym is `p:<key id>:<first 32 hex digits of HMAC-SHA256(key, value)>`: the same
value gives the same pseudonym under one key, so counting distinct persons works,
and the key id says which key made it. Rotation makes a new current key and keeps
the old ones, so a value can still be matched to pseudonyms made before
(`recognises`, `pseudonyms_of`); retiring an old key makes its pseudonyms unlinkable.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from agilegov.errors import DataError, Problem, UsageError
from agilegov.rulebook.model import Stream

PREFIX = "p"
DIGITS = 32


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]


def _digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:DIGITS]


def key_id_of(pseudonym: str) -> str | None:
    """The id of the key that made a pseudonym, or None if the text is not one."""
    parts = pseudonym.split(":")
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[2]) != DIGITS:
        return None
    return parts[1]


class Pseudonymizer:
    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = Path(keys_dir)
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[int, KeyRing]] = {}

    # -- key files ------------------------------------------------------------------------

    def _path(self, domain: str) -> Path:
        if not domain or "/" in domain or domain.startswith("."):
            raise UsageError(f"'{domain}' is not a domain name")
        return self.keys_dir / f"{domain}.json"

    def _write(self, path: Path, ring: KeyRing, replace: bool) -> None:
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        doc = {"current": ring.current, "keys": {k: v.hex() for k, v in ring.keys.items()}}
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
                handle.flush()
                os.fsync(handle.fileno())
            if replace:
                os.replace(tmp, path)
            else:
                # first key: never overwrite one another process made meanwhile
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def _read(self, path: Path) -> KeyRing:
        try:
            doc = orjson.loads(path.read_bytes())
            keys = {str(k): bytes.fromhex(v) for k, v in doc["keys"].items()}
            ring = KeyRing(str(doc["current"]), keys)
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError
                ) as exc:
            raise DataError([Problem(f"cannot read this pseudonym key file: {exc}",
                                     file=str(path))]) from exc
        if ring.current not in ring.keys:
            raise DataError([Problem(f"the current key '{ring.current}' is not in 'keys'",
                                     file=str(path))])
        return ring

    def ring(self, domain: str) -> KeyRing:
        """The domain's keys (created on first use); re-read when the file changed."""
        path = self._path(domain)
        with self._lock:
            try:
                stamp = path.stat().st_mtime_ns
            except FileNotFoundError:
                fresh = KeyRing("k1", {"k1": secrets.token_bytes(32)})
                self._write(path, fresh, replace=False)
                stamp = path.stat().st_mtime_ns
            cached = self._cache.get(domain)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            ring = self._read(path)
            self._cache[domain] = (stamp, ring)
            return ring

    # -- pseudonyms -----------------------------------------------------------------------

    def hasher(self, domain: str) -> Callable[[str], str]:
        """A function giving pseudonyms under the domain's current key (loaded once)."""
        ring = self.ring(domain)
        key, head = ring.keys[ring.current], f"{PREFIX}:{ring.current}:"
        return lambda value: head + _digest(key, value)

    def pseudonym(self, domain: str, value: str) -> str:
        return self.hasher(domain)(value)

    def pseudonyms_of(self, domain: str, value: str) -> list[str]:
        """The value's pseudonym under every key kept, oldest key first."""
        ring = self.ring(domain)
        return [f"{PREFIX}:{kid}:{_digest(key, value)}" for kid, key in ring.keys.items()]

    def recognises(self, domain: str, value: str, pseudonym: str) -> bool:
        """Whether `pseudonym` was made from `value` with one of the domain's kept keys."""
        kid = key_id_of(pseudonym)
        key = self.ring(domain).keys.get(kid or "")
        if key is None:
            return False
        return hmac.compare_digest(pseudonym.split(":")[2], _digest(key, value))

    # -- rotation -------------------------------------------------------------------------

    def rotate(self, domain: str) -> str:
        """Make a new current key (old keys are kept); return its id."""
        with self._lock:
            ring = self.ring(domain)
            numbers = [int(k[1:]) for k in ring.keys if k[:1] == "k" and k[1:].isdigit()]
            new_id = f"k{max(numbers, default=0) + 1}"
            updated = KeyRing(new_id, {**ring.keys, new_id: secrets.token_bytes(32)})
            self._write(self._path(domain), updated, replace=True)
            self._cache.pop(domain, None)
        return new_id

    def retire(self, domain: str, key_id: str) -> None:
        """Forget an old key: its pseudonyms can no longer be linked to anyone."""
        with self._lock:
            ring = self.ring(domain)
            if key_id == ring.current:
                raise UsageError(f"'{key_id}' is the current key of '{domain}': rotate first")
            if key_id not in ring.keys:
                raise UsageError(f"'{domain}' has no key '{key_id}'")
            kept = {k: v for k, v in ring.keys.items() if k != key_id}
            self._write(self._path(domain), KeyRing(ring.current, kept), replace=True)
            self._cache.pop(domain, None)


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def pseudonymize(table: pa.Table, stream: Stream, domain: str, p: Pseudonymizer) -> pa.Table:
    """The table with every personal field's values replaced by their pseudonyms.

    A personal field of any type is stored as a pseudonym string (null stays null):
    the measure language only counts personal fields or tests them for null.
    """
    personal = [n for n, spec in stream.fields.items() if spec.personal and n in table.column_names]
    if not personal:
        return table
    if stream.time in personal:
        raise DataError([Problem("the time field cannot be personal: windows need its value",
                                 field=stream.time)])
    make = p.hasher(domain)
    for name in personal:
        column = table.column(name)
        distinct = pc.unique(column.combine_chunks()).drop_null()
        names = [make(as_text(v)) for v in distinct.to_pylist()]
        positions = pc.index_in(column, value_set=distinct)
        mapped = pc.take(pa.array(names, type=pa.string()), positions)
        index = table.column_names.index(name)
        table = table.set_column(index, pa.field(name, pa.string()), mapped)
    return table
