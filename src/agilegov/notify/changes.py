"""What the notifiers read from a monitor update, and the wire form they send.

A finding change is sent as `FindingChange.to_dict()`: the finding (with `k` and
`revision`), `"change": "new" | "revised"`, `changed_at` and, for a revision, `previous`.
An action change is sent as `ActionChange.to_dict()`: the action (with `k`, `response`,
`state`), `"change": "new" | "withdrawn"` and `changed_at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from agilegov.store.records import ActionChange, FindingChange


class Update(Protocol):
    """The part of `agilegov.monitor.MonitorUpdate` the notifiers use."""

    @property
    def findings(self) -> Sequence[FindingChange]: ...

    @property
    def actions(self) -> Sequence[ActionChange]: ...
