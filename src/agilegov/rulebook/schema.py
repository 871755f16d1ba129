"""JSON Schema (draft 2020-12) of the rulebook YAML format, for editors and tooling.

The schema describes the document's shape; some checks need the whole rulebook (a `time`
naming a timestamp field, goal ids in responses, measures) and are made by the loader only.
"""

from __future__ import annotations

from typing import Any

from agilegov.rulebook.keys import (
    FIELD_KEYS,
    FIELD_TYPES,
    GOAL_KEYS,
    OWNERS,
    PERS,
    RESPONSE_KEYS,
    SOCIETY_FIELDS,
    STREAM_KEYS,
    TOP_KEYS,
)

SCHEMA_ID = "urn:agilegov:schema:rulebook"

_SLUG = "^[a-z0-9][a-z0-9-]*$"
_IDENTIFIER = "^[a-z_][a-z0-9_]*$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DURATION = "^[0-9]*[1-9][0-9]*(s|m|h|d|w|mo|y)$"
_TARGET = r"^\s*(==|=|!=|<=|>=|<|>)\s*[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$"


def _obj(descriptions: dict[str, str], properties: dict[str, dict[str, Any]],
         required: list[str], description: str) -> dict[str, Any]:
    props = {name: {"description": descriptions[name], **properties[name]}
             for name in descriptions}
    return {
        "type": "object",
        "description": description,
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def _definitions() -> dict[str, Any]:
    duration = {"type": "string", "pattern": _DURATION,
                "description": "A positive duration: a whole number and a unit, one of s, m, h "
                "(absolute) or d, w, mo, y (calendar, in the domain's timezone).",
                "examples": ["30d", "24h", "1mo"]}
    target = {"type": "string", "pattern": _TARGET,
              "description": 'An operator and a number, such as "<= 2.0".',
              "examples": ["<= 2.0", "== 0", ">= 0.8"]}
    date = {"type": "string", "pattern": _DATE, "format": "date",
            "description": "A date written YYYY-MM-DD."}
    field_map = _obj(FIELD_KEYS, {
        "type": {"enum": list(FIELD_TYPES)},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "values": {"type": "array", "minItems": 1,
                   "items": {"type": ["string", "number", "boolean"]}},
        "required": {"type": "boolean"},
        "personal": {"type": "boolean"},
    }, ["type"], "A field declared with its type and optional constraints.")
    stream = _obj(STREAM_KEYS, {
        "time": {"type": "string", "pattern": _IDENTIFIER},
        "actor": {"type": "string", "pattern": _IDENTIFIER},
        "key": {"type": "string", "pattern": _IDENTIFIER},
        "fields": {"type": "object", "minProperties": 1,
                   "propertyNames": {"pattern": _IDENTIFIER},
                   "additionalProperties": {"$ref": "#/$defs/field"}},
    }, ["time", "actor", "fields"], "A stream of events reported by regulated parties.")
    goal = _obj(GOAL_KEYS, {
        "id": {"type": "string", "pattern": _SLUG},
        "title": {"type": "string", "minLength": 1},
        "why": {"type": "string"},
        "owner": {"enum": list(OWNERS)},
        "measure": {"type": ["string", "number"], "minLength": 1},
        "target": {"oneOf": [
            {"$ref": "#/$defs/target"},
            {"type": "object", "minProperties": 1,
             "propertyNames": {"pattern": _DATE},
             "additionalProperties": {"$ref": "#/$defs/target"}},
        ]},
        "window": {"$ref": "#/$defs/duration"},
        "every": {"$ref": "#/$defs/duration", "default": "1d"},
        "per": {"enum": list(PERS), "default": "actor"},
        "min_evidence": {"type": "string", "minLength": 1},
    }, ["id", "title", "measure", "target", "window"],
        "An outcome goal evaluated at every instant over a window of events.")
    response = _obj(RESPONSE_KEYS, {
        "goal": {"type": "string", "anyOf": [{"pattern": _SLUG}, {"const": "*"}]},
        "unmet_for": {"type": "integer", "minimum": 1},
        "met_for": {"type": "integer", "minimum": 1},
        "do": {"type": "string", "minLength": 1},
        "due": {"$ref": "#/$defs/duration"},
    }, ["goal", "do"], "A response fired when a run of findings reaches a length.")
    response["oneOf"] = [{"required": ["unmet_for"]}, {"required": ["met_for"]}]
    return {
        "duration": duration, "target": target, "date": date, "field": {
            "description": "A field: its type alone, or a mapping with its type and "
            "constraints.",
            "oneOf": [{"enum": list(FIELD_TYPES)}, field_map],
        },
        "stream": stream, "goal": goal, "response": response,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a rulebook document (a fresh dict at every call)."""
    top = _obj(TOP_KEYS, {
        "domain": {"type": "string", "pattern": _SLUG},
        "title": {"type": "string"},
        "field": {"enum": list(SOCIETY_FIELDS)},
        "jurisdiction": {"type": "string", "pattern": "^[A-Z]{2}(-[A-Z0-9]{1,3})?$"},
        "timezone": {"type": "string", "default": "UTC"},
        "version": {"type": "integer", "minimum": 1},
        "effective_from": {"$ref": "#/$defs/date"},
        "streams": {"type": "object", "minProperties": 1,
                    "propertyNames": {"pattern": _IDENTIFIER},
                    "additionalProperties": {"$ref": "#/$defs/stream"}},
        "goals": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/goal"}},
        "responses": {"type": "array", "items": {"$ref": "#/$defs/response"}},
    }, ["domain", "version", "effective_from", "streams", "goals"],
        "An agilegov rulebook: the governance rules of one domain.")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "agilegov rulebook",
        **top,
        "$defs": _definitions(),
    }
