"""What a simulator needs from an example rulebook: streams, field types, time zone, start date.

The simulators read only these declarations, straight from the YAML, so that
they stay independent of the full loader; the tests check that what they
write matches the fully loaded rulebook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from agilegov.errors import RulebookError

FIELD_TYPES = ("string", "int", "float", "bool", "timestamp")


@dataclass(frozen=True)
class StreamDecl:
    name: str
    time: str
    actor: str
    fields: dict[str, str]  # field name -> type, in declaration order


@dataclass(frozen=True)
class DomainDecl:
    domain: str
    timezone: str
    effective_from: dt.date
    streams: dict[str, StreamDecl]


def _field_type(where: str, spec: Any) -> str:
    kind = spec.get("type") if isinstance(spec, dict) else spec
    if kind not in FIELD_TYPES:
        raise RulebookError(f"{where}: expected one of {', '.join(FIELD_TYPES)}, got {kind!r}")
    return str(kind)


def _stream(path: Path, name: str, raw: Any) -> StreamDecl:
    where = f"{path}: streams/{name}"
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), dict):
        raise RulebookError(f"{where}: expected a mapping with 'time', 'actor' and 'fields'")
    fields = {str(f): _field_type(f"{where}/fields/{f}", s) for f, s in raw["fields"].items()}
    return StreamDecl(name=name, time=str(raw.get("time")), actor=str(raw.get("actor")),
                      fields=fields)


def read_declarations(path: Path) -> DomainDecl:
    """Read the stream declarations, time zone and effective date of a rulebook file."""
    raw = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("streams"), dict):
        raise RulebookError(f"{path}: expected a rulebook mapping with 'streams'")
    start = raw.get("effective_from")
    if not isinstance(start, dt.date):
        raise RulebookError(f"{path}: 'effective_from' must be a date such as 2026-04-01")
    streams = {str(n): _stream(path, str(n), s) for n, s in raw["streams"].items()}
    return DomainDecl(domain=str(raw.get("domain")), timezone=str(raw.get("timezone", "UTC")),
                      effective_from=start, streams=streams)
