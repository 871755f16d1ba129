"""Loading a rulebook: YAML -> checked `Rulebook`, or one `RulebookError` listing every problem.

Each problem names the file, the line and column of the offending key or value, its JSON
pointer, and what was expected. Measures are parsed and type-checked against the declared
streams; their problems point at the character inside the measure text.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from typing import cast

from agilegov.errors import Problem, RulebookError
from agilegov.rulebook.goals import goal_ids_written, read_goals
from agilegov.rulebook.keys import SOCIETY_FIELDS, TOP_KEYS
from agilegov.rulebook.model import Response, Rulebook, SocietyField
from agilegov.rulebook.reader import DocumentReader
from agilegov.rulebook.responses import read_responses
from agilegov.rulebook.streams import read_streams
from agilegov.rulebook.suggest import did_you_mean
from agilegov.rulebook.yamlpos import YNode, compose

_JURISDICTION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_REQUIRED = ("domain", "version", "effective_from", "streams", "goals")


def load_rulebook(path: Path) -> Rulebook:
    """Read and check a rulebook file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulebookError([Problem("no such rulebook file", file=str(path))]) from None
    except UnicodeDecodeError as exc:
        raise RulebookError([Problem(f"the file is not UTF-8 text ({exc.reason} at byte "
                                     f"{exc.start})", file=str(path))]) from None
    except OSError as exc:
        raise RulebookError([Problem(f"cannot read the file: {exc.strerror}",
                                     file=str(path))]) from None
    return load_rulebook_text(text, name=str(path), source_path=str(path))


def load_rulebook_text(text: str, name: str = "<string>",
                       source_path: str | None = None) -> Rulebook:
    """Check a rulebook given as YAML text; `name` is used in messages."""
    root = compose(text, name)
    reader = DocumentReader(name, text)
    if root is None:
        raise RulebookError([Problem(
            "the rulebook is empty; expected a mapping with at least "
            + ", ".join(_REQUIRED), file=name, line=1, column=1)])
    rulebook = _read_rulebook(reader, root, source_path)
    if reader.problems or rulebook is None:
        problems = sorted(reader.problems, key=lambda p: (p.line or 0, p.column or 0))
        raise RulebookError(problems)
    return rulebook


def _read_rulebook(reader: DocumentReader, root: YNode, source: str | None) -> Rulebook | None:
    ymap = reader.read_map(root, "rulebook", "")
    if ymap is None:
        return None
    e = reader.check_keys(ymap, TOP_KEYS, _REQUIRED, "rulebook", "")
    domain = reader.read_slug(e["domain"], "domain", "/domain") if "domain" in e else None
    title = reader.read_text(e["title"], "title", "/title") if "title" in e else None
    field = reader.read_choice(e["field"], "field", "/field", SOCIETY_FIELDS) \
        if "field" in e else None
    jurisdiction = _read_jurisdiction(reader, e["jurisdiction"]) if "jurisdiction" in e \
        else None
    timezone = _read_timezone(reader, e["timezone"]) if "timezone" in e else "UTC"
    version = reader.read_positive_int(e["version"], "version", "/version") \
        if "version" in e else None
    effective_from = reader.read_date(e["effective_from"], "effective_from",
                                      "/effective_from") if "effective_from" in e else None
    streams = read_streams(reader, e["streams"], "/streams") if "streams" in e else None
    goals = read_goals(reader, e["goals"], "/goals", streams,
                       effective_from or dt.date.min) if "goals" in e else ()
    responses: tuple[Response, ...] = ()
    if "responses" in e:
        ids = goal_ids_written(e["goals"]) if "goals" in e else []
        responses = read_responses(reader, e["responses"], "/responses", ids)
    if domain is None or version is None or effective_from is None or streams is None \
            or timezone is None or not goals:
        return None
    return Rulebook(
        domain=domain, version=version, effective_from=effective_from, streams=streams,
        goals=goals, responses=responses, title=title,
        field=cast(SocietyField | None, field), jurisdiction=jurisdiction,
        timezone=timezone, source=source,
    )


def _read_jurisdiction(reader: DocumentReader, node: YNode) -> str | None:
    text = reader.read_text(node, "jurisdiction", "/jurisdiction")
    if text is not None and not _JURISDICTION.match(text):
        reader.problem(node, f"jurisdiction: expected an ISO 3166 country code or ISO 3166-2 "
                       f"subdivision code such as JP or JP-01, got {text!r}", "/jurisdiction")
        return None
    return text


def _read_timezone(reader: DocumentReader, node: YNode) -> str | None:
    text = reader.read_text(node, "timezone", "/timezone")
    if text is None:
        return None
    if text.strip() == text and "\\" not in text:
        try:
            zoneinfo.ZoneInfo(text)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
        else:
            return text
    hint = did_you_mean(text, zoneinfo.available_timezones())
    reader.problem(node, f"timezone: {text!r} is not an IANA timezone name{hint}; expected a "
                   f"name such as Asia/Tokyo, Europe/Paris or UTC", "/timezone")
    return None
