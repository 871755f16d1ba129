"""The ledger of a workspace: an append-only, durable, signed log of governance acts.

```
DIR/ledger/checkpoint       the latest signed checkpoint (the committed tree size and root)
DIR/ledger/entries.bin      the entries (see `agilegov.ledger.files`)
DIR/ledger/offsets.bin
DIR/ledger/hashes/<L>.bin   complete-subtree hashes per tree level (tiles are slices of these)
DIR/keys/ledger.key         the Ed25519 signing key in force (mode 0600)
```
An append writes and fsyncs the entries and hashes, then signs a new checkpoint and replaces
the checkpoint file atomically: that replacement is the commit. Opening for writing cuts off
anything past the checkpoint's tree size and checks the stored hashes against its root.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from agilegov.ledger.entry import Entry, canonical_json, parse_entry
from agilegov.ledger.errors import LedgerError
from agilegov.ledger.files import EntryFiles, TreeFiles, fsync_dir
from agilegov.ledger.keys import (
    KEY_FILE,
    NEXT_KEY_FILE,
    generate_signer,
    load_or_create_signer,
    read_signer,
    retired_path,
    write_signer,
)
from agilegov.ledger.note import (
    Checkpoint,
    Signer,
    Verifier,
    open_checkpoint,
    parse_checkpoint,
    sign_note,
    split_note,
)
from agilegov.ledger.proofs import consistency_proof, inclusion_proof
from agilegov.ledger.receipt import Receipt
from agilegov.ledger.tiles import parse_tile_path, read_tile
from agilegov.ledger.tree import EMPTY_ROOT, leaf_hash, root_hash

DEFAULT_ORIGIN = "agilegov.invalid/ledger"
LEDGER_DOMAIN = "ledger"

EntryLike = Entry | Mapping[str, Any] | bytes


def entry_bytes(entry: EntryLike) -> bytes:
    if isinstance(entry, Entry):
        return entry.canonical()
    if isinstance(entry, bytes):
        parse_entry(entry)
        return entry
    return canonical_json(entry)


class Ledger:
    """Open with `Ledger(workspace_root)`; close it (or use `with`). Safe to share between
    threads: appends are serialized, reads see committed entries only."""

    def __init__(self, workspace: Path, origin: str | None = None,
                 readonly: bool = False) -> None:
        self.workspace = Path(workspace)
        self.folder = self.workspace / "ledger"
        self.keys_dir = self.workspace / "keys"
        self.readonly = readonly
        self._lock = threading.Lock()
        self._checkpoint_path = self.folder / "checkpoint"
        if readonly and not self._checkpoint_path.exists():
            raise LedgerError(f"no ledger in {self.workspace} (no ledger/checkpoint file)")
        if not readonly:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.keys_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(self.keys_dir, 0o700)
        key_path = self.keys_dir / KEY_FILE
        if readonly:
            self.signer: Signer | None = read_signer(key_path) if key_path.exists() else None
        else:
            name = read_signer(key_path).name if key_path.exists() else (origin or DEFAULT_ORIGIN)
            if origin is not None and origin != name:
                raise LedgerError(f"this ledger's origin is {name!r}, not {origin!r}")
            self.signer = load_or_create_signer(self.keys_dir, name)
            self._finish_rotation()
        note = self._read_note()
        self._note = note
        self._cp = self._open(note) if note else Checkpoint(self._origin(), 0, EMPTY_ROOT)
        self.tree = TreeFiles(self.folder / "hashes", self._cp.size, writable=not readonly)
        self.entry_files = EntryFiles(self.folder, self._cp.size, writable=not readonly)
        got = root_hash(self.tree, self._cp.size)
        if got != self._cp.root:
            self.close()
            raise LedgerError(
                f"{self.folder}: the stored hashes give root {got.hex()}, the checkpoint says "
                f"{self._cp.root.hex()} for size {self._cp.size}"
            )
        if not note:
            self._commit(self._cp, [self._require_signer()])

    # -- opening -------------------------------------------------------------------------

    def _origin(self) -> str:
        return self._require_signer().name

    def _require_signer(self) -> Signer:
        if self.signer is None:
            raise LedgerError(f"no signing key at {self.keys_dir / KEY_FILE}")
        return self.signer

    def _read_note(self) -> str:
        try:
            return self._checkpoint_path.read_text("utf-8")
        except FileNotFoundError:
            return ""

    def _open(self, note: str) -> Checkpoint:
        if self.signer is None:  # read-only without the key: the signature is checked later
            return parse_checkpoint(split_note(note)[0])
        return open_checkpoint(note, [self.signer.verifier])

    def _finish_rotation(self) -> None:
        """Complete (or undo) a key rotation cut short by a crash."""
        next_path = self.keys_dir / NEXT_KEY_FILE
        if not next_path.exists():
            return
        new = read_signer(next_path)
        note = self._read_note()
        signed_by_new = False
        if note:
            try:
                open_checkpoint(note, [new.verifier])
                signed_by_new = True
            except LedgerError:
                pass
        if signed_by_new:
            self._swap_keys(new, next_path)
        else:
            next_path.unlink()

    def _swap_keys(self, new: Signer, next_path: Path) -> None:
        old = self._require_signer()
        os.replace(self.keys_dir / KEY_FILE, retired_path(self.keys_dir, old))
        os.replace(next_path, self.keys_dir / KEY_FILE)
        fsync_dir(self.keys_dir)
        self.signer = new

    def close(self) -> None:
        for part in ("tree", "entry_files"):
            if hasattr(self, part):
                getattr(self, part).close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._cp.size

    @property
    def origin(self) -> str:
        return self._cp.origin

    def checkpoint(self) -> Checkpoint:
        return self._cp

    def checkpoint_note(self) -> str:
        """The latest signed checkpoint (C2SP signed note text)."""
        return self._note

    def verifier(self) -> Verifier:
        return self._require_signer().verifier

    def verifier_key(self) -> str:
        """The public key, in note verifier-key format."""
        return self.verifier().key()

    def node(self, level: int, index: int) -> bytes:
        return self.tree.node(level, index)

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self.tree, self._size_at_most(size))

    def entries(self, start: int, end: int) -> list[bytes]:
        self._size_at_most(end)
        return self.entry_files.read(start, end)

    def level_hashes(self, level: int, start: int, count: int) -> bytes:
        if start + count > self._cp.size >> level:
            raise LedgerError(f"level {level} of the tree of size {self._cp.size} has no "
                              f"hashes {start}..{start + count - 1}")
        return self.tree.hashes(level, start, count)

    def entry_bundle(self, start: int, end: int) -> bytes:
        self._size_at_most(end)
        return self.entry_files.framed(start, end)

    def tile(self, path: str) -> bytes:
        """A C2SP tile or entry bundle by its path (`tile/0/x001/234.p/5`)."""
        return read_tile(self, parse_tile_path(path))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(self.tree, index, self._size_at_most(size))

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_proof(self.tree, first, self._size_at_most(second))

    def _size_at_most(self, size: int | None) -> int:
        committed = self._cp.size
        if size is None:
            return committed
        if size < 0 or size > committed:
            raise LedgerError(f"tree size {size} is not between 0 and the checkpoint's "
                              f"{committed}")
        return size

    # -- appending -----------------------------------------------------------------------

    def append(self, entry: EntryLike) -> Receipt:
        return self.append_many([entry])[0]

    def append_many(self, entries: Iterable[EntryLike]) -> list[Receipt]:
        """Append entries durably and sign a checkpoint that includes them; one receipt each."""
        data = [entry_bytes(e) for e in entries]
        with self._lock:
            return self._append(data, [self._require_signer()])

    def _append(self, data: list[bytes], signers: list[Signer]) -> list[Receipt]:
        if self.readonly:
            raise LedgerError("this ledger was opened read-only")
        if not data:
            return []
        first = self._cp.size
        leaves = [leaf_hash(d) for d in data]
        self.entry_files.append(data)
        self.tree.append(leaves)
        size = first + len(data)
        cp = Checkpoint(self._cp.origin, size, root_hash(self.tree, size))
        note = self._commit(cp, signers)
        return [Receipt(first + i, leaf, note) for i, leaf in enumerate(leaves)]

    def _commit(self, cp: Checkpoint, signers: list[Signer]) -> str:
        note = sign_note(cp.text(), signers)
        tmp = self._checkpoint_path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(note)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self._checkpoint_path)
        fsync_dir(self.folder)
        self._cp, self._note = cp, note
        return note

    def rotate_key(self, at: dt.datetime | None = None) -> Receipt:
        """Replace the signing key: a `key.rotated` entry names the old and the new verifier
        keys, and the checkpoint that includes it is signed by both."""
        with self._lock:
            old = self._require_signer()
            new = generate_signer(old.name)
            next_path = self.keys_dir / NEXT_KEY_FILE
            write_signer(next_path, new)
            entry = Entry(
                kind="key.rotated", at=at or dt.datetime.now(dt.UTC), domain=LEDGER_DOMAIN,
                body={"old_key": old.verifier.key(), "new_key": new.verifier.key()},
            )
            (receipt,) = self._append([entry.canonical()], [old, new])
            self._swap_keys(new, next_path)
            return receipt
