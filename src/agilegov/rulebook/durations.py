"""Durations: `<number><unit>`, absolute (s, m, h) or calendar (d, w, mo, y)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["s", "m", "h", "d", "w", "mo", "y"]

_PATTERN = re.compile(r"^([0-9]+)(s|m|h|d|w|mo|y)$")
_ABSOLUTE_SECONDS = {"s": 1, "m": 60, "h": 3600}
# In conditions a duration is absolute: d is 24 hours, w is 7 days of 24 hours.
_CONDITION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    @property
    def is_calendar(self) -> bool:
        return self.unit in ("d", "w", "mo", "y")

    @property
    def seconds(self) -> int:
        """Length in seconds of an absolute duration (s, m, h)."""
        if self.unit not in _ABSOLUTE_SECONDS:
            raise ValueError(f"{self} is a calendar duration and has no fixed length")
        return self.amount * _ABSOLUTE_SECONDS[self.unit]

    @property
    def condition_seconds(self) -> int:
        """Length in seconds as used inside conditions (d = 24h, w = 7 x 24h)."""
        if self.unit not in _CONDITION_SECONDS:
            raise ValueError(f"'{self}': months and years are not allowed in conditions")
        return self.amount * _CONDITION_SECONDS[self.unit]

    def approx_seconds(self) -> float:
        """A rough length, for estimates only (never for semantics)."""
        per = {"d": 86400.0, "w": 604800.0, "mo": 2629746.0, "y": 31556952.0}
        return float(self.amount * per[self.unit]) if self.is_calendar else float(self.seconds)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


def parse_duration(text: str) -> Duration:
    """Parse `30d`, `24h`, `1mo`...; raise ValueError saying what was expected."""
    m = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError(
            f"expected a duration such as 30d, 24h or 1mo "
            f"(a whole number and one of s, m, h, d, w, mo, y), got {text!r}"
        )
    unit: Unit = m.group(2)  # type: ignore[assignment]
    return Duration(int(m.group(1)), unit)
