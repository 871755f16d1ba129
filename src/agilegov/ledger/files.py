"""The ledger's files: entries with 16-bit length prefixes, their end offsets, and one file
of complete-subtree hashes per tree level.

```
entries.bin       uint16-BE length || entry bytes, for every entry (C2SP entry-bundle framing)
offsets.bin       uint64-BE end offset in entries.bin of every entry
hashes/<L>.bin    32-byte hashes of the complete subtrees at tree level L, left to right
```
Appends go to the ends of the files and are made durable with fsync; the committed tree size
is recorded elsewhere (the checkpoint), and anything past it is cut off when the files are
opened for writing, so a crash in the middle of an append leaves no trace.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from pathlib import Path

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.tree import HASH_SIZE, node_hash

_OFFSET = struct.Struct(">Q")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TreeFiles:
    """Every complete-subtree hash of the tree, one file per level, read with `pread`."""

    def __init__(self, folder: Path, size: int, writable: bool) -> None:
        self.folder = folder
        self.size = size
        self.writable = writable
        self._fds: dict[int, int] = {}
        self._last: list[bytes] = []  # the last hash of every level (for appends)
        if writable:
            folder.mkdir(parents=True, exist_ok=True)
            self._cut()

    def _path(self, level: int) -> Path:
        return self.folder / f"{level}.bin"

    def _fd(self, level: int) -> int:
        fd = self._fds.get(level)
        if fd is None:
            flags = (os.O_RDWR | os.O_CREAT) if self.writable else os.O_RDONLY
            fd = os.open(self._path(level), flags, 0o644)
            self._fds[level] = fd
        return fd

    def _cut(self) -> None:
        level = 0
        while self.size >> level or self._path(level).exists():
            count = self.size >> level
            fd = self._fd(level)
            if os.fstat(fd).st_size < count * HASH_SIZE:
                raise LedgerError(f"{self._path(level)} holds fewer than the {count} hashes "
                                  f"of a tree of size {self.size}")
            os.ftruncate(fd, count * HASH_SIZE)
            if count:
                self._last.append(self.node(level, count - 1))
            level += 1

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def node(self, level: int, index: int) -> bytes:
        if index < 0 or index >= self.size >> level:
            raise LedgerError(f"no complete subtree at level {level}, index {index} "
                              f"in a tree of size {self.size}")
        data = os.pread(self._fd(level), HASH_SIZE, index * HASH_SIZE)
        if len(data) != HASH_SIZE:
            raise LedgerError(f"{self._path(level)} is shorter than the tree says")
        return data

    def hashes(self, level: int, start: int, count: int) -> bytes:
        """`count` consecutive hashes of a level (for tiles)."""
        if start < 0 or count < 0 or start + count > self.size >> level:
            raise LedgerError(f"level {level} has {self.size >> level} hashes, not "
                              f"{start}..{start + count - 1}")
        return os.pread(self._fd(level), count * HASH_SIZE, start * HASH_SIZE)

    def append(self, leaves: Sequence[bytes], sync: bool = True) -> None:
        """Write the leaf hashes and every subtree they complete; fsync; move the size on.

        `sync=False` skips the fsync (only for building throwaway trees, e.g. benchmarks)."""
        new: list[list[bytes]] = []
        counts = [self.size >> level for level in range(len(self._last) + 1)]
        for leaf in leaves:
            h, level = leaf, 0
            while True:
                if level == len(new):
                    new.append([])
                if level == len(counts):
                    counts.append(0)
                row = new[level]
                row.append(h)
                counts[level] += 1
                if counts[level] % 2:
                    break
                left = row[-2] if len(row) >= 2 else self._last[level]
                h = node_hash(left, h)
                level += 1
        for level, row in enumerate(new):
            if not row:
                continue
            fd = self._fd(level)
            os.pwrite(fd, b"".join(row), (self.size >> level) * HASH_SIZE)
            if level < len(self._last):
                self._last[level] = row[-1]
            else:
                self._last.append(row[-1])
        if sync:
            for level in range(len(new)):
                os.fsync(self._fd(level))
        self.size += len(leaves)


class EntryFiles:
    """The entries themselves, framed as in C2SP entry bundles, and their end offsets."""

    def __init__(self, folder: Path, size: int, writable: bool) -> None:
        self.size = size
        self.writable = writable
        flags = (os.O_RDWR | os.O_CREAT) if writable else os.O_RDONLY
        self.entries_path = folder / "entries.bin"
        self.offsets_path = folder / "offsets.bin"
        self._entries = os.open(self.entries_path, flags, 0o644)
        self._offsets = os.open(self.offsets_path, flags, 0o644)
        self.end = self._offset(size - 1) if size else 0
        if writable:
            if os.fstat(self._entries).st_size < self.end:
                raise LedgerError(f"{self.entries_path} is shorter than its offsets say")
            os.ftruncate(self._offsets, size * _OFFSET.size)
            os.ftruncate(self._entries, self.end)

    def close(self) -> None:
        os.close(self._entries)
        os.close(self._offsets)

    def _offset(self, index: int) -> int:
        data = os.pread(self._offsets, _OFFSET.size, index * _OFFSET.size)
        if len(data) != _OFFSET.size:
            raise LedgerError(f"{self.offsets_path} holds fewer than {index + 1} offsets")
        value: int = _OFFSET.unpack(data)[0]
        return value

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Byte range in entries.bin of the entries `start .. end - 1`."""
        if not 0 <= start <= end <= self.size:
            raise LedgerError(f"entries {start}..{end - 1} are not in a log of {self.size}")
        first = self._offset(start - 1) if start else 0
        last = self._offset(end - 1) if end > start else first
        return first, last

    def framed(self, start: int, end: int) -> bytes:
        """The entries `start .. end - 1` with their length prefixes (an entry bundle)."""
        first, last = self.span(start, end)
        return os.pread(self._entries, last - first, first)

    def read(self, start: int, end: int) -> list[bytes]:
        return unframe(self.framed(start, end))

    def append(self, entries: Sequence[bytes]) -> None:
        chunks: list[bytes] = []
        offsets: list[bytes] = []
        end = self.end
        for data in entries:
            chunks.append(len(data).to_bytes(2, "big"))
            chunks.append(data)
            end += 2 + len(data)
            offsets.append(_OFFSET.pack(end))
        os.pwrite(self._entries, b"".join(chunks), self.end)
        os.pwrite(self._offsets, b"".join(offsets), self.size * _OFFSET.size)
        os.fsync(self._entries)
        os.fsync(self._offsets)
        self.end = end
        self.size += len(entries)


def unframe(bundle: bytes) -> list[bytes]:
    """The entries of an entry bundle (uint16-BE length-prefixed entries)."""
    out: list[bytes] = []
    pos = 0
    while pos < len(bundle):
        if pos + 2 > len(bundle):
            raise LedgerError(f"entry bundle: a length prefix is cut off at byte {pos}")
        n = int.from_bytes(bundle[pos : pos + 2], "big")
        if pos + 2 + n > len(bundle):
            raise LedgerError(f"entry bundle: entry {len(out)} is cut off at byte {pos}")
        out.append(bundle[pos + 2 : pos + 2 + n])
        pos += 2 + n
    return out
