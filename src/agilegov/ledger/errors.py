"""The one error the ledger raises when something does not verify or cannot be stored."""

from __future__ import annotations

from agilegov.errors import AgilegovError


class LedgerError(AgilegovError):
    """A ledger entry, proof, checkpoint, signature or file is not what it should be."""
