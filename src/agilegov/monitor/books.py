"""Rulebooks of a workspace, re-read only when their file changes."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from agilegov.errors import NotFound
from agilegov.rulebook.loader import load_rulebook
from agilegov.rulebook.model import Rulebook

if TYPE_CHECKING:
    from agilegov.workspace import Workspace


class RulebookCache:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._cache: dict[str, tuple[int, Rulebook]] = {}
        self._lock = threading.Lock()

    def get(self, domain: str) -> Rulebook:
        path = self._workspace.domains_dir / f"{domain}.yaml"
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError as exc:
            raise NotFound(f"no domain '{domain}' in this workspace") from exc
        with self._lock:
            cached = self._cache.get(domain)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        book = load_rulebook(path)
        with self._lock:
            self._cache[domain] = (stamp, book)
        return book
