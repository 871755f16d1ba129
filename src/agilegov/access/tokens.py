"""API tokens: `agt_` + 32 random bytes (URL-safe base64); only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

TOKEN_PREFIX: Final = "agt_"
TOKEN_BYTES: Final = 32
# What is kept in clear to recognise a token in listings: the prefix and 4 random characters.
SHOWN_CHARS: Final = len(TOKEN_PREFIX) + 4


def new_token() -> str:
    """A fresh secret token. Shown once to its owner, never stored."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for (and looked up by) a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """A cheap shape check before any lookup (a token is `agt_` + 43 URL-safe characters)."""
    body = token[len(TOKEN_PREFIX) :]
    return (
        token.startswith(TOKEN_PREFIX)
        and len(body) == 43
        and all(c.isalnum() or c in "-_" for c in body)
    )


def token_hint(token: str) -> str:
    """The part of a token shown in listings, e.g. `agt_x9Qa…`."""
    return token[:SHOWN_CHARS] + "…"
