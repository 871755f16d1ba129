"""Telling others what the monitor found: a live SSE stream and signed webhooks."""

from agilegov.notify.hub import Hub
from agilegov.notify.signing import sign, verify
from agilegov.notify.webhooks import Webhooks

__all__ = ["Hub", "Webhooks", "sign", "verify"]
