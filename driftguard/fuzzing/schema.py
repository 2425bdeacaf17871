"""Reading a request body against its JSON Schema the way the fuzzer needs it.

Two questions, answered without schemathesis so that they can be tested on plain data:

* Where in a body is a violation, written so that it names the *field* and not the generated
  value: ``/lines/*/quantity`` rather than ``/lines/3/quantity``, and ``/*`` for keys of a
  free-form mapping. That string becomes part of a finding's location, so it must be the
  same whatever the seed drew.
* Would Pydantic's lax mode turn an invalid value into a valid one? ``"2"`` and ``true`` for
  an integer, ``"1.5"`` for a number, ``"yes"`` for a boolean. Such an acceptance is a
  coercion, reported as a warning, not a validation gap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from driftguard.openapi.refs import escape, resolve

__all__ = ["field_pointer", "keyword", "lax_coerce", "schema_types"]

_BRANCHES = ("allOf", "anyOf", "oneOf")
_INT = re.compile(r"^[+-]?\d+(\.0*)?$")
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


def _alternatives(
    schema: Any, root: Mapping[str, Any], depth: int = 0
) -> Iterator[Mapping[str, Any]]:
    """The schema and every schema reachable through allOf/anyOf/oneOf, refs resolved."""
    schema = resolve(root, schema)
    if not isinstance(schema, Mapping) or depth > 16:
        return
    yield schema
    for keyword in _BRANCHES:
        branches = schema.get(keyword)
        if isinstance(branches, Sequence) and not isinstance(branches, str):
            for branch in branches:
                yield from _alternatives(branch, root, depth + 1)


def schema_types(schema: Any, root: Mapping[str, Any]) -> set[str]:
    """Every JSON type the schema (or one of its branches) names; ``nullable`` adds null."""
    types: set[str] = set()
    for part in _alternatives(schema, root):
        declared = part.get("type")
        if isinstance(declared, str):
            types.add(declared)
        elif isinstance(declared, Sequence):
            types.update(t for t in declared if isinstance(t, str))
        if part.get("nullable") is True:
            types.add("null")
        if "const" in part or "enum" in part:
            values = [part["const"]] if "const" in part else list(part.get("enum") or [])
            types.update(_json_type(value) for value in values)
    return types


def keyword(schema: Any, root: Mapping[str, Any], name: str) -> Any:
    """The first value of keyword ``name`` in the schema or one of its branches, or None."""
    for part in _alternatives(schema, root):
        if name in part:
            return part[name]
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _property_schema(schema: Any, key: str, root: Mapping[str, Any]) -> Any:
    """The schema for ``key`` inside an object schema, or None when the key is undeclared."""
    extra: Any = None
    for part in _alternatives(schema, root):
        properties = part.get("properties")
        if isinstance(properties, Mapping) and key in properties:
            return properties[key]
        additional = part.get("additionalProperties")
        if isinstance(additional, Mapping) and extra is None:
            extra = additional
    return extra


def _items_schema(schema: Any, root: Mapping[str, Any]) -> Any:
    for part in _alternatives(schema, root):
        items = part.get("items")
        if isinstance(items, Mapping):
            return items
    return None


def _declares(schema: Any, key: str, root: Mapping[str, Any]) -> bool:
    for part in _alternatives(schema, root):
        properties = part.get("properties")
        if isinstance(properties, Mapping) and key in properties:
            return True
    return False


def field_pointer(path: Sequence[str | int], schema: Any, root: Mapping[str, Any]) -> str:
    """The JSON pointer of a body field, with array indexes and undeclared keys as ``*``."""
    parts: list[str] = []
    current: Any = schema
    for step in path:
        if isinstance(step, int):
            parts.append("*")
            current = _items_schema(current, root)
        elif current is not None and _declares(current, step, root):
            parts.append(escape(step))
            current = _property_schema(current, step, root)
        else:
            parts.append("*")
            current = _property_schema(current, step, root) if current is not None else None
    return "/" + "/".join(parts)


def lax_coerce(value: Any, schema: Any, root: Mapping[str, Any]) -> Any:
    """``value`` as Pydantic's lax mode would read it against ``schema``.

    Only scalars change type: a numeric string or a boolean where only numbers are allowed,
    a truthy string or 0/1 where only booleans are. Strings are never produced from numbers
    (Pydantic 2 refuses that), and containers are walked, not converted.
    """
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            sub = _property_schema(schema, key, root)
            result[key] = lax_coerce(item, sub, root) if sub is not None else item
        return result
    if isinstance(value, list):
        items = _items_schema(schema, root)
        return [lax_coerce(item, items, root) if items is not None else item for item in value]
    types = schema_types(schema, root)
    if (
        not types
        or _json_type(value) in types
        or (isinstance(value, int) and not isinstance(value, bool) and "number" in types)
    ):
        return value
    if "integer" in types or "number" in types:
        number = _as_number(value, integer="number" not in types)
        if number is not None:
            return number
    if "boolean" in types:
        flag = _as_bool(value)
        if flag is not None:
            return flag
    return value


def _as_number(value: Any, *, integer: bool) -> int | float | None:
    if isinstance(value, bool):
        return int(value) if integer else float(value)
    if isinstance(value, float) and integer:
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if integer:
            return int(text.partition(".")[0]) if _INT.match(text) else None
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return None
