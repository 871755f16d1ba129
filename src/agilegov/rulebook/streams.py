"""Checking the `streams` section: names, fields, types and the time/actor/key roles."""

from __future__ import annotations

from typing import cast

from agilegov.rulebook.keys import FIELD_KEYS, FIELD_TYPES, RESERVED_WORDS, STREAM_KEYS
from agilegov.rulebook.model import FieldSpec, FieldType, Stream
from agilegov.rulebook.reader import IDENTIFIER, DocumentReader, pointer
from agilegov.rulebook.suggest import did_you_mean, one_of
from agilegov.rulebook.yamlpos import YMap, YNode, YScalar, YSeq, kind_name

_IDENTIFIER_RULE = (
    "lower-case letters, digits and '_', starting with a letter or '_' (such as 'ended_at')"
)


def read_identifier(reader: DocumentReader, node: YNode, what: str, ptr: str) -> str | None:
    """A stream or field name: an identifier of the measure language, not one of its words."""
    name = reader.read_name(node, what, ptr, IDENTIFIER, _IDENTIFIER_RULE)
    if name is not None and name in RESERVED_WORDS:
        reader.problem(node, f"{what}: '{name}' is a word of the measure language and "
                       f"cannot be used as a name", ptr)
        return None
    return name


def read_streams(reader: DocumentReader, node: YNode, ptr: str) -> dict[str, Stream] | None:
    """All streams, or None when any of them has a problem (already recorded)."""
    ymap = reader.read_map(node, "streams", ptr)
    if ymap is None:
        return None
    if not ymap.entries:
        reader.problem(ymap, "streams: expected at least one stream", ptr)
        return None
    streams: dict[str, Stream] = {}
    ok = True
    for key, value in ymap.entries:
        kptr = pointer(ptr, key.text if isinstance(key, YScalar) else "?")
        name = read_identifier(reader, key, "stream name", kptr)
        if name is not None and name in streams:
            reader.problem(key, f"stream '{name}' is declared twice", kptr)
            name = None
        stream = _read_stream(reader, name or "?", value, kptr)
        if name is None or stream is None:
            ok = False
            continue
        streams[name] = stream
    return streams if ok else None


def _read_stream(reader: DocumentReader, name: str, node: YNode, ptr: str) -> Stream | None:
    what = f"stream '{name}'"
    ymap = reader.read_map(node, what, ptr)
    if ymap is None:
        return None
    before = len(reader.problems)
    entries = reader.check_keys(ymap, STREAM_KEYS, ("time", "actor", "fields"), what, ptr)
    roles: dict[str, tuple[str, YNode]] = {}
    for role in ("time", "actor", "key"):
        if role in entries:
            field_name = read_identifier(reader, entries[role], f"{what}: {role}",
                                         pointer(ptr, role))
            if field_name is not None:
                roles[role] = (field_name, entries[role])
    fields: dict[str, FieldSpec] = {}
    if "fields" in entries:
        required_by_role = {roles[r][0] for r in ("time", "actor") if r in roles}
        fields = _read_fields(reader, what, entries["fields"], pointer(ptr, "fields"),
                              required_by_role)
    expected_type = {"time": "timestamp", "actor": "string", "key": None}
    for role, (field_name, role_node) in roles.items():
        spec = fields.get(field_name)
        rptr = pointer(ptr, role)
        if spec is None:
            declared = entries.get("fields")
            if isinstance(declared, YMap) and declared.entries:
                if _declared(declared, field_name):
                    continue  # the field itself has a problem, already reported
                reader.problem(role_node, f"{what}: {role} names the field '{field_name}', "
                               f"which is not declared under fields"
                               f"{did_you_mean(field_name, fields)}", rptr)
            continue
        wanted = expected_type[role]
        if wanted is not None and spec.type != wanted:
            reader.problem(role_node, f"{what}: {role} must name a {wanted} field, but "
                           f"'{field_name}' is declared as {spec.type}", rptr)
    if len(reader.problems) > before:
        return None
    key = roles["key"][0] if "key" in roles else None
    return Stream(name=name, time=roles["time"][0], actor=roles["actor"][0],
                  fields=fields, key=key)


def _declared(fields_map: YMap, name: str) -> bool:
    return any(isinstance(k, YScalar) and k.text == name for k, _ in fields_map.entries)


def _read_fields(reader: DocumentReader, what: str, node: YNode, ptr: str,
                 required_by_role: set[str]) -> dict[str, FieldSpec]:
    ymap = reader.read_map(node, f"{what}: fields", ptr)
    if ymap is None:
        return {}
    if not ymap.entries:
        reader.problem(ymap, f"{what}: fields: expected at least one field", ptr)
    fields: dict[str, FieldSpec] = {}
    for key, value in ymap.entries:
        fptr = pointer(ptr, key.text if isinstance(key, YScalar) else "?")
        name = read_identifier(reader, key, f"{what}: field name", fptr)
        if name is None:
            continue
        if name in fields:
            reader.problem(key, f"{what}: field '{name}' is declared twice", fptr)
            continue
        spec = _read_field(reader, f"{what}, field '{name}'", name, value, fptr,
                           name in required_by_role)
        if spec is not None:
            fields[name] = spec
    return fields


def _read_type(reader: DocumentReader, what: str, node: YNode, ptr: str) -> FieldType | None:
    if isinstance(node, YScalar) and node.tag == "str" and node.text in FIELD_TYPES:
        return cast(FieldType, node.text)
    shown = node.text if isinstance(node, YScalar) else ""
    reader.problem(node, f"{what}: expected a type, one of {one_of(FIELD_TYPES)}, got "
                   f"{kind_name(node)}{did_you_mean(shown, FIELD_TYPES)}", ptr)
    return None


def _read_field(reader: DocumentReader, what: str, name: str, node: YNode, ptr: str,
                role_required: bool) -> FieldSpec | None:
    if not isinstance(node, YMap):
        ftype = _read_type(reader, what, node, ptr)
        return None if ftype is None else FieldSpec(name, ftype, required=role_required)
    before = len(reader.problems)
    entries = reader.check_keys(node, FIELD_KEYS, ("type",), what, ptr)
    ftype = _read_type(reader, what, entries["type"], pointer(ptr, "type")) \
        if "type" in entries else None
    required = role_required
    personal = False
    if "required" in entries:
        flag = reader.read_bool(entries["required"], f"{what}: required",
                                pointer(ptr, "required"))
        required = required if flag is None else flag
    if "personal" in entries:
        flag = reader.read_bool(entries["personal"], f"{what}: personal",
                                pointer(ptr, "personal"))
        personal = bool(flag)
    bounds: dict[str, float] = {}
    for bound in ("min", "max"):
        if bound not in entries:
            continue
        bptr = pointer(ptr, bound)
        if ftype is not None and ftype not in ("int", "float"):
            reader.problem(node.key_node(bound) or entries[bound],
                           f"{what}: {bound} is only allowed on int and float fields, and "
                           f"this field is {ftype}", bptr)
            continue
        number = reader.read_number(entries[bound], f"{what}: {bound}", bptr)
        if number is not None:
            bounds[bound] = float(number)
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        reader.problem(entries["max"], f"{what}: max ({entries_text(entries['max'])}) is "
                       f"smaller than min ({entries_text(entries['min'])})", pointer(ptr, "max"))
    values = None
    if "values" in entries and ftype is not None:
        values = _read_values(reader, what, ftype, entries["values"], pointer(ptr, "values"))
    if ftype is None or len(reader.problems) > before:
        return None
    return FieldSpec(name, ftype, required=required, personal=personal,
                     min=bounds.get("min"), max=bounds.get("max"), values=values)


def entries_text(node: YNode) -> str:
    return node.text if isinstance(node, YScalar) else "?"


def _read_values(reader: DocumentReader, what: str, ftype: FieldType, node: YNode,
                 ptr: str) -> tuple[str | int | float | bool, ...] | None:
    seq = reader.read_seq(node, f"{what}: values", ptr)
    if seq is None:
        return None
    if ftype == "timestamp":
        reader.problem(seq, f"{what}: values is not available for timestamp fields", ptr)
        return None
    if not seq.items:
        reader.problem(seq, f"{what}: values: expected at least one allowed value", ptr)
        return None
    out: list[str | int | float | bool] = []
    for i, item in enumerate(seq.items):
        value = _read_value(reader, f"{what}: values, item {i + 1}", ftype, item,
                            pointer(ptr, i))
        if value is not None:
            out.append(value)
    return tuple(out) if len(out) == len(seq.items) else None


def _read_value(reader: DocumentReader, what: str, ftype: FieldType, node: YNode,
                ptr: str) -> str | int | float | bool | None:
    if isinstance(node, YSeq | YMap):
        reader.problem(node, f"{what}: expected a single {ftype} value, got "
                       f"{kind_name(node)}", ptr)
        return None
    assert isinstance(node, YScalar)
    if ftype == "string":
        if node.tag == "str" or node.style is not None:
            return node.text
        reader.problem(node, f"{what}: expected text for a string field, got "
                       f"{kind_name(node)} (put it in quotes if it is meant as text)", ptr)
        return None
    if ftype == "bool":
        return reader.read_bool(node, what, ptr)
    if ftype == "int" and node.tag != "int":
        reader.problem(node, f"{what}: expected a whole number for an int field, got "
                       f"{kind_name(node)}", ptr)
        return None
    number = reader.read_number(node, what, ptr)
    return None if number is None else (int(number) if ftype == "int" else float(number))
