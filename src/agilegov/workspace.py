"""A workspace folder: the domains' rulebooks, pseudonym keys, and the event store file.

```
DIR/domains/<domain>.yaml   one rulebook per domain (the version in force)
DIR/keys/<domain>.json      pseudonym keys of the domain (never share this folder)
DIR/events.duckdb           the event store (one writing process: the server)
DIR/state.sqlite            governance state, unless AGILEGOV_DATABASE_URL says otherwise
```
A new, empty workspace is created on first use.
"""

from __future__ import annotations

import threading
from pathlib import Path

from agilegov.errors import Conflict, NotFound
from agilegov.rulebook.loader import load_rulebook, load_rulebook_text
from agilegov.rulebook.model import Rulebook


class Workspace:
    def __init__(self, root: Path) -> None:
        self._books: dict[str, tuple[int, Rulebook]] = {}
        self._lock = threading.Lock()
        self.root = Path(root).resolve()
        self.domains_dir = self.root / "domains"
        self.keys_dir = self.root / "keys"
        self.events_path = self.root / "events.duckdb"
        for folder in (self.root, self.domains_dir, self.keys_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.keys_dir.chmod(0o700)

    def rulebooks(self) -> dict[str, Rulebook]:
        """Every rulebook of the workspace, by domain, loaded and checked."""
        books: dict[str, Rulebook] = {}
        for path in sorted(self.domains_dir.glob("*.yaml")):
            book = load_rulebook(path)
            books[book.domain] = book
        return books

    def rulebook(self, domain: str) -> Rulebook:
        """The domain's rulebook in force, re-read only when its file changes (thread-safe)."""
        path = self.domains_dir / f"{domain}.yaml"
        try:
            stamp = path.stat().st_mtime_ns
        except (OSError, ValueError) as exc:
            raise NotFound(f"no domain '{domain}' in this workspace") from exc
        with self._lock:
            cached = self._books.get(domain)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        book = load_rulebook(path)
        with self._lock:
            self._books[domain] = (stamp, book)
        return book

    def add_domain(self, source: Path | str) -> Rulebook:
        """Check a rulebook (a path, or YAML text) and make it the domain's version in force.

        A version lower than the one in force is refused; the same version replaces it
        only if the text is identical (idempotent re-adding).
        """
        text = source.read_text("utf-8") if isinstance(source, Path) else source
        name = str(source) if isinstance(source, Path) else "<request>"
        book = load_rulebook_text(text, name)
        target = self.domains_dir / f"{book.domain}.yaml"
        if target.is_file():
            current = load_rulebook(target)
            same_text = target.read_text("utf-8") == text
            changed_in_place = book.version == current.version and not same_text
            if book.version < current.version or changed_in_place:
                raise Conflict(
                    f"domain '{book.domain}' is at version {current.version}: a changed rulebook "
                    f"needs a higher version (got {book.version})"
                )
        tmp = target.with_suffix(".yaml.tmp")
        tmp.write_text(text, "utf-8")
        tmp.replace(target)
        return load_rulebook(target)
