"""How each JSON Schema keyword is read into the canonical form (:mod:`.normalize`).

A keyword is an annotation (dropped), a subschema or a map of them (normalised in turn), a
number (integral floats as integers, ``minLength: 0`` as no bound), a flag (kept when true),
or has a handler of its own below that writes its canonical spelling into the result and says
whether it made the schema nullable (``type: [X, "null"]``, ``nullable: true``, ``enum`` with
``null``, ``const: null``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = [
    "ANNOTATIONS",
    "COMPOSITIONS",
    "FLAGS",
    "HANDLERS",
    "NUMERIC",
    "PAIRED_SUBSCHEMAS",
    "STRUCTURAL",
    "SUBSCHEMA_MAPS",
    "ZERO_IS_NO_BOUND",
    "Recurse",
    "canonical_value",
    "enum_key",
    "holds_boolean_data",
    "same_value",
]

Schema = dict[str, Any]
Recurse = Callable[[Any], Schema]
"""Normalises a subschema (and remembers what it saw)."""

# Keywords that document a schema without constraining it.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "externalDocs",
        "$comment",
        "xml",
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$defs",
        "definitions",
    }
)
COMPOSITIONS = ("allOf", "anyOf", "oneOf")
_SINGLE = ("items", "additionalProperties", "not", "contains", "if", "then", "else")
_SINGLE_MORE = ("propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema")
_MAPS = ("properties", "patternProperties", "dependentSchemas")
# Keywords holding subschemas: a ``$ref`` cannot simply be overlaid with these.
STRUCTURAL = frozenset((*_SINGLE, *_SINGLE_MORE, *_MAPS, *COMPOSITIONS, "prefixItems"))
# The subschemas the diff pairs one to one when both sides have them (a label each in the
# diff and in a finding's location: ``/then``), and those keyed by a name (``/patternProperties
# [^x-]``). ``not`` and ``if`` are not among them: they are compared as values.
PAIRED_SUBSCHEMAS = ("then", "else", "contains", *_SINGLE_MORE)
SUBSCHEMA_MAPS = ("patternProperties", "dependentSchemas")
NUMERIC = frozenset(
    {
        "minimum",
        "maximum",
        "multipleOf",
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "maxProperties",
        "minProperties",
        "maxContains",
        "minContains",
    }
)
# ``minLength: 0`` says nothing: it is the same contract as no minLength at all.
ZERO_IS_NO_BOUND = frozenset({"minLength", "minItems", "minProperties"})
FLAGS = frozenset({"readOnly", "writeOnly", "deprecated", "uniqueItems"})


def canonical_value(value: Any) -> Any:
    """JSON data with integral floats as integers, so ``0.0`` and ``0`` are one value."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, list):
        return [canonical_value(v) for v in value]
    if isinstance(value, dict):
        return {k: canonical_value(v) for k, v in value.items()}
    return value


_STRICT = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=repr).encode


def same_value(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same value: Python's ``==`` with ``true`` not ``1``
    and ``false`` not ``0`` anywhere inside (``default: 0`` -> ``default: false`` is a
    change). The second look, by JSON text at C speed, is only taken for equal containers."""
    if a is b:
        return True
    if a != b:
        return False
    kind = type(a)
    if kind is dict or kind is list:
        return type(b) is kind and _STRICT(a) == _STRICT(b)
    return kind is type(b)


def enum_key(value: Any) -> tuple[int, Any]:
    """Sort numbers numerically, then strings, then everything else by its JSON text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, json.dumps(value, sort_keys=True, separators=(",", ":")))


def _type(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if type(value) is str:  # the common case: one type, written as a string
        if value == "null":
            out["type"] = []
            return True
        out["type"] = [value]
        return False
    names = value if isinstance(value, list) else [value]
    nullable = False
    kept: set[str] = set()
    for name in names:
        if name is None or name == "null":
            nullable = True
        elif isinstance(name, str):
            kept.add(name)
    out["type"] = sorted(kept)
    return nullable


def _nullable(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    return value is True


def _enum(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if not isinstance(value, list):
        return False
    if all(type(item) is str for item in value):  # the common case, without JSON keys
        out["enum"] = sorted(set(value))
        return False
    nullable = False
    seen: dict[tuple[int, Any], Any] = {}
    for item in value:
        if item is None:
            nullable = True
            continue
        item = canonical_value(item)
        seen.setdefault(enum_key(item), item)
    out["enum"] = [seen[k] for k in sorted(seen)]
    return nullable


def _const(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if value is None:
        out.setdefault("enum", [])
        return True
    if "enum" not in out:
        out["enum"] = [canonical_value(value)]
    return False


def _required(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if isinstance(value, list):
        names = sorted({n for n in value if isinstance(n, str)})
        if names:
            out["required"] = names
    return False


def _exclusive(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    # Booleans (3.0) are resolved against minimum/maximum once the whole node is read.
    if isinstance(value, int | float) and not isinstance(value, bool):
        out[key] = canonical_value(value)
    return False


def _subschema(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if key == "additionalProperties":
        if value is True or value == {}:
            return False
        if value is False:
            out[key] = False
            return False
        schema = recurse(value)
        if schema:
            out[key] = schema
        return False
    if key == "items" and isinstance(value, list):
        out["prefixItems"] = [recurse(v) for v in value]
        return False
    schema = recurse(value)
    if schema or key not in _TRUE_IS_ABSENT:
        out[key] = schema
    return False


# Subschemas that constrain nothing when they accept everything (``propertyNames: true``).
_TRUE_IS_ABSENT = frozenset(_SINGLE_MORE)


def _schema_map(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if isinstance(value, dict):
        out[key] = {name: recurse(v) for name, v in value.items()}
    return False


def _schema_list(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if isinstance(value, list):
        out[key] = [recurse(v) for v in value]
    return False


def _default(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    out[key] = canonical_value(value)
    return False


def _discriminator(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if k in ("propertyName", "mapping")}
        if kept:
            out[key] = kept
    return False


def _string(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    # format, pattern, ...: anything but a string is a broken keyword that says nothing.
    if isinstance(value, str):
        out[key] = value
    return False


def _ref(out: Schema, key: str, value: Any, recurse: Recurse) -> bool:
    if isinstance(value, str):
        out[key] = value
    return False


# Keywords whose values are schemas (normalised on their own) or never hold a boolean that
# could pass for a number: everything else in a canonical schema is data (default, enum...).
_NOT_DATA = frozenset(
    {"prefixItems", *COMPOSITIONS, *_SINGLE, *_SINGLE_MORE, *_MAPS, *FLAGS}
    | {"nullable", "type", "required", "$ref"}
)


# ... and keywords whose canonical values are numbers or strings, never a boolean.
_NEVER_BOOLEAN = _NOT_DATA | NUMERIC | {"exclusiveMinimum", "exclusiveMaximum", "format", "pattern"}


def holds_boolean_data(schema: Schema) -> bool:
    """Whether a canonical schema's own data (a default, an enum, a const) holds a boolean
    anywhere: then Python's ``==`` is not JSON's (``False == 0``), and two such schemas need
    :func:`same_value` rather than one ``==`` to be told the same."""
    if schema.keys() <= _NEVER_BOOLEAN:  # (most schemas: a type, bounds, subschemas)
        return False
    for key, value in schema.items():
        if key in _NOT_DATA:
            continue
        kind = type(value)
        if kind is bool:
            return True
        if kind is list or kind is dict:
            stack: list[Any] = [value]
            while stack:
                node = stack.pop()
                for item in node.values() if type(node) is dict else node:
                    found = type(item)
                    if found is bool:
                        return True
                    if found is list or found is dict:
                        stack.append(item)
    return False


_Handler = Callable[[Schema, str, Any, Recurse], bool]
HANDLERS: dict[str, _Handler] = {
    "$ref": _ref,
    "type": _type,
    "nullable": _nullable,
    "enum": _enum,
    "const": _const,
    "required": _required,
    "exclusiveMinimum": _exclusive,
    "exclusiveMaximum": _exclusive,
    "default": _default,
    # The lifecycle extensions are part of the contract's timeline (openapi/lifecycle.py).
    **dict.fromkeys(("x-sunset", "x-stability-level"), _default),
    "discriminator": _discriminator,
    **dict.fromkeys(("format", "pattern", "contentMediaType", "contentEncoding"), _string),
    "prefixItems": _schema_list,
    **dict.fromkeys(COMPOSITIONS, _schema_list),
    **dict.fromkeys((*_SINGLE, *_SINGLE_MORE), _subschema),
    **dict.fromkeys(_MAPS, _schema_map),
}
