"""Webhook signatures: HMAC-SHA256 over the raw request body with the webhook's secret.

A receiver recomputes `sha256=<hex>` over the exact bytes it received and compares it
with the `X-Agilegov-Signature` header in constant time (see `verify`).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Agilegov-Signature"
TIMESTAMP_HEADER = "X-Agilegov-Timestamp"
DELIVERY_HEADER = "X-Agilegov-Delivery"
EVENT_HEADER = "X-Agilegov-Event"
PREFIX = "sha256="


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign(secret: str | bytes, body: bytes) -> str:
    """The signature header value for `body`: `sha256=<lower-case hex HMAC-SHA256>`."""
    return PREFIX + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """True when `header` is the signature of `body` with `secret` (constant-time compare)."""
    if header is None or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())
