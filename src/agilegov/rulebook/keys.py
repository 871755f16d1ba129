"""Every key a rulebook may hold, with what it means.

One place for the loader (which rejects any other key), the JSON Schema (which shows these
descriptions in editors) and the documentation test.
"""

from __future__ import annotations

TOP_KEYS: dict[str, str] = {
    "domain": "Short name of the regulated domain: lower-case letters, digits and '-'.",
    "title": "Human-readable title of the domain.",
    "field": "Society 5.0 field: healthcare, infrastructure, mobility, fintech, "
    "public-services or other.",
    "jurisdiction": "Where the rules apply, as an ISO 3166 country or ISO 3166-2 "
    "subdivision code such as JP or JP-01.",
    "timezone": "IANA timezone of the domain, such as Asia/Tokyo; calendar durations and "
    "dates are read in it. Default UTC.",
    "version": "Version of the rulebook: a positive whole number, raised at every change.",
    "effective_from": "Date (YYYY-MM-DD) from which this version applies; evaluation "
    "instants are counted from its local midnight.",
    "streams": "What regulated parties report: stream name -> its declaration.",
    "goals": "Outcome goals: a measure over reported events, a target and a window.",
    "responses": "Graduated responses fired by runs of unmet or met findings.",
}

STREAM_KEYS: dict[str, str] = {
    "time": "Name of the timestamp field holding the event's time.",
    "actor": "Name of the string field naming who is accountable for the event.",
    "key": "Optional name of a field identifying an event: a repeated key is the same "
    "event reported again.",
    "fields": "The fields of an event: name -> type, or name -> {type, min, max, values, "
    "required, personal}.",
}

FIELD_KEYS: dict[str, str] = {
    "type": "Type of the field: string, int, float, bool or timestamp.",
    "min": "Smallest allowed value (int and float fields only).",
    "max": "Largest allowed value (int and float fields only).",
    "values": "The allowed values, as a list.",
    "required": "Whether every event must carry a value; default true for the time and "
    "actor fields, false otherwise.",
    "personal": "Personal data: only a pseudonym is stored, and measures may only count "
    "it or test it with 'is null'. Default false.",
}

GOAL_KEYS: dict[str, str] = {
    "id": "Unique short name of the goal: lower-case letters, digits and '-'.",
    "title": "Human-readable title of the goal.",
    "why": "Why the goal exists, in plain words.",
    "owner": "Who mainly answers for the goal: government, companies, individuals or "
    "communities.",
    "measure": "What is measured over the window, in the measure language, such as "
    "count(incidents where severity >= 2).",
    "target": "Operator and number the measure must satisfy, such as \"<= 2.0\", or a "
    "map from dates to such targets.",
    "window": "How far back each evaluation looks, as a duration such as 30d.",
    "every": "How often the goal is evaluated, as a duration. Default 1d.",
    "per": "actor (one finding for each actor, the default) or all (one finding "
    "over everybody).",
    "min_evidence": "A comparison that must hold for the finding to count, such as "
    "sum(trips.km) >= 10000; otherwise the finding is insufficient.",
}

RESPONSE_KEYS: dict[str, str] = {
    "goal": "The goal id the response is about, or \"*\" for every goal.",
    "unmet_for": "Fire when a run of consecutive unmet findings reaches this length.",
    "met_for": "Fire when a run of consecutive met findings reaches this length.",
    "do": "The response, such as notice, corrective-plan, suspend or recognize.",
    "due": "Optional deadline after the action, as a duration such as 14d.",
}

FIELD_TYPES: tuple[str, ...] = ("string", "int", "float", "bool", "timestamp")
SOCIETY_FIELDS: tuple[str, ...] = (
    "healthcare", "infrastructure", "mobility", "fintech", "public-services", "other",
)
OWNERS: tuple[str, ...] = ("government", "companies", "individuals", "communities")
PERS: tuple[str, ...] = ("actor", "all")

# Words of the measure language; stream and field names may not be one of them.
RESERVED_WORDS: frozenset[str] = frozenset({
    "count", "sum", "avg", "min", "max", "count_distinct", "where", "and", "or", "not",
    "in", "between", "is", "null", "true", "false",
})
