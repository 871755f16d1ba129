"""Quarantine rows group an item's problems; rows read back as records."""

from __future__ import annotations

from dataclasses import dataclass

from agilegov.store.intake import quarantine_item, quarantine_models


@dataclass(frozen=True)
class Err:
    index: int
    pointer: str
    message: str


def test_problems_of_one_item_share_one_row_in_item_order() -> None:
    rows = quarantine_models(
        "mob",
        "trips",
        "acme",
        [
            (Err(4, "/4/km", "expected a number"), {"km": "x"}),
            (Err(1, "/1/op", "required"), {"km": 1}),
            (Err(4, "/4/at", "expected a time"), {"km": "x"}),
        ],
        "http",
    )
    assert [(r.item_index, r.problems) for r in rows] == [
        (1, '[["/1/op","required"]]'),
        (4, '[["/4/km","expected a number"],["/4/at","expected a time"]]'),
    ]
    assert len({r.received_at for r in rows}) == 1
    rows[0].id = 7
    item = quarantine_item(rows[0])
    assert (item.id, item.index, item.item, item.problems) == (
        7,
        1,
        {"km": 1},
        (("/1/op", "required"),),
    )
