"""C2SP `tlog-tiles`: the tree and the entries served as static, cacheable tiles.

Tiles have height 8: the tile at level `L` and index `N` holds the hashes at tree level `8*L`
with indexes `N*256 .. N*256 + W - 1` (W = 256 for a full tile). Entry bundles hold entries
`N*256 ..`, each as a big-endian uint16 length and the entry's bytes. Paths are
`tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with `N` written as 3-digit path
elements, all but the last prefixed with `x` (1234067 -> `x001/x234/067`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agilegov.ledger.errors import LedgerError

HEIGHT = 8
WIDTH = 1 << HEIGHT
ENTRIES = -1  # the level of entry bundles


def encode_index(index: int) -> str:
    if index < 0:
        raise LedgerError(f"a tile index is not negative: {index}")
    groups: list[str] = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if not index:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


@dataclass(frozen=True)
class TileRef:
    level: int  # ENTRIES for an entry bundle
    index: int
    width: int = WIDTH

    def path(self) -> str:
        level = "entries" if self.level == ENTRIES else str(self.level)
        suffix = "" if self.width == WIDTH else f".p/{self.width}"
        return f"tile/{level}/{encode_index(self.index)}{suffix}"


def parse_tile_path(path: str) -> TileRef:
    """The tile a path names (`tile/...` or the part after `tile/`)."""
    parts = path.strip("/").split("/")
    if parts and parts[0] == "tile":
        parts = parts[1:]
    bad = LedgerError(f"not a tile path: {path!r} (expected tile/<L>/<N>[.p/<W>])")
    if len(parts) < 2:
        raise bad
    level_text, rest = parts[0], parts[1:]
    if level_text == "entries":
        level = ENTRIES
    elif level_text.isdigit() and (level_text == "0" or not level_text.startswith("0")):
        level = int(level_text)
    else:
        raise bad
    width = WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if not w.isdigit() or w.startswith("0") or not 1 <= int(w) < WIDTH:
            raise bad
        width = int(w)
        rest = [*rest[:-2], rest[-2][:-2]]
    if not rest or any(len(p) != 4 or p[0] != "x" or not p[1:].isdigit() for p in rest[:-1]):
        raise bad
    last = rest[-1]
    if len(last) != 3 or not last.isdigit():
        raise bad
    index = int("".join([*(p[1:] for p in rest[:-1]), last]))
    if encode_index(index) != "/".join(rest):  # no superfluous leading groups like x000/
        raise bad
    return TileRef(level, index, width)


class TileSource(Protocol):
    @property
    def size(self) -> int: ...

    def level_hashes(self, level: int, start: int, count: int) -> bytes: ...

    def entry_bundle(self, start: int, end: int) -> bytes: ...


def read_tile(source: TileSource, ref: TileRef) -> bytes:
    """The bytes of a tile of the tree of the source's current size; raises if the tree does
    not (yet) have that tile."""
    size = source.size
    start = ref.index * WIDTH
    available = size if ref.level == ENTRIES else size >> (HEIGHT * ref.level)
    if start + ref.width > available:
        raise LedgerError(f"{ref.path()} is not in a tree of size {size}")
    if ref.level == ENTRIES:
        return source.entry_bundle(start, start + ref.width)
    return source.level_hashes(HEIGHT * ref.level, start, ref.width)


def tiles_for(size: int) -> list[TileRef]:
    """Every tile a client needs for a tree of `size` leaves (full tiles, then the partial
    one at the right edge of each level)."""
    out: list[TileRef] = []
    level = 0
    while level == 0 or size >> (HEIGHT * level):
        count = size >> (HEIGHT * level)
        out.extend(TileRef(level, n) for n in range(count // WIDTH))
        if count % WIDTH:
            out.append(TileRef(level, count // WIDTH, count % WIDTH))
        if count <= 1:
            break
        level += 1
    out.extend(TileRef(ENTRIES, n) for n in range(size // WIDTH))
    if size % WIDTH:
        out.append(TileRef(ENTRIES, size // WIDTH, size % WIDTH))
    return out
