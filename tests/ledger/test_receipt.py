"""Receipts as JSON."""

from __future__ import annotations

import pytest

from agilegov.ledger.errors import LedgerError
from agilegov.ledger.receipt import Receipt, receipt_from_dict, receipt_from_json
from agilegov.ledger.tree import leaf_hash


def test_a_receipt_round_trips_through_json() -> None:
    receipt = Receipt(7, leaf_hash(b"e"), "log\n8\nroot\n\n— log abc\n")
    assert receipt_from_json(receipt.to_json()) == receipt
    assert receipt.to_dict()["index"] == 7


@pytest.mark.parametrize(("data", "message"), [
    ([], "JSON object"),
    ({"index": -1}, "/index"),
    ({"index": True}, "/index"),
    ({"index": 1, "leaf_hash": "AAAA"}, "/leaf_hash"),
    ({"index": 1, "leaf_hash": Receipt(0, b"x" * 32, "").to_dict()["leaf_hash"]}, "/checkpoint"),
])
def test_bad_receipts_say_which_member(data: object, message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        receipt_from_dict(data)


def test_a_receipt_that_is_not_json_says_where() -> None:
    with pytest.raises(LedgerError, match="line 1:2"):
        receipt_from_json("{x")
