"""One small hierarchy of errors, each able to say where and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    row: int | None = None  # 1-based data row (header excluded)
    field: str | None = None
    pointer: str | None = None  # JSON pointer, for documents and requests

    def where(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            parts.append(loc)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        if self.pointer is not None:
            parts.append(f"at {self.pointer or '/'}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class AgilegovError(Exception):
    """Base of every error agilegov raises on purpose."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))


class RulebookError(AgilegovError):
    """The rulebook is not valid: structure, names, types or the measure language."""


class MeasureError(RulebookError):
    """A measure, condition or min_evidence expression is not valid."""


class DataError(AgilegovError):
    """A data file or row does not match its stream's declaration."""


class UsageError(AgilegovError):
    """A command was called with arguments that cannot work."""


class NotFound(AgilegovError):
    """A domain, stream, goal or record that does not exist."""


class AccessDenied(AgilegovError):
    """The caller may not do this (wrong role, or another operator's data)."""


class Conflict(AgilegovError):
    """The request conflicts with the current state (e.g. an older rulebook version)."""
