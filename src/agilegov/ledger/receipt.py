"""Receipts: what whoever submits an act gets back to prove later that it was recorded."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from agilegov.ledger.errors import LedgerError


@dataclass(frozen=True)
class Receipt:
    """The entry's index, its leaf hash, and a signed checkpoint (note text) that includes it."""

    index: int
    leaf_hash: bytes
    checkpoint: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "leaf_hash": base64.b64encode(self.leaf_hash).decode("ascii"),
            "checkpoint": self.checkpoint,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def receipt_from_dict(data: Any) -> Receipt:
    if not isinstance(data, dict):
        raise LedgerError("a receipt is a JSON object", )
    index = data.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise LedgerError("receipt /index: expected a non-negative integer")
    text = data.get("leaf_hash")
    try:
        leaf = base64.b64decode(str(text).encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        leaf = b""
    if not isinstance(text, str) or len(leaf) != 32:
        raise LedgerError("receipt /leaf_hash: expected the base64 of a 32-byte hash")
    checkpoint = data.get("checkpoint")
    if not isinstance(checkpoint, str):
        raise LedgerError("receipt /checkpoint: expected the signed checkpoint note (text)")
    return Receipt(index, leaf, checkpoint)


def receipt_from_json(text: str) -> Receipt:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LedgerError(f"the receipt is not JSON: line {exc.lineno}:{exc.colno}: "
                          f"{exc.msg}") from exc
    return receipt_from_dict(data)
