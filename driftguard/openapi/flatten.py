"""``allOf`` merged into one schema, so that how a schema is composed is not a change.

Real documents move properties between a schema and its ``allOf`` branches all the time:
an object becomes ``allOf: [{$ref: Base}, {the rest}]``, ``{$ref: X, nullable: true}``
becomes ``allOf: [{$ref: X}, {nullable: true}]``. Compared branch by branch, that reads as
every property removed and an ``allOf`` added; compared merged (as oasdiff's ``flatten``
does), it is what it is: nothing, or the one property that really changed.

:func:`merge_all` merges canonical schemas (references already resolved by the caller) the
way ``allOf`` means them: every constraint holds. Properties and required names unite, types
and enums intersect, upper bounds take the lowest value and lower bounds the highest, flags
hold if any branch sets them. Two different subschemas for one keyword become an ``allOf`` of
the two (merged in turn when compared). Where two branches disagree in a way no single
schema can say (two patterns, two ``oneOf``, types with nothing in common), the result is
None and the ``allOf`` is compared branch by branch as before.

``nullable`` is the one exception to "every constraint holds": OpenAPI 3.0 documents write
``allOf: [{$ref: X}, {nullable: true}]`` to mean "X or null" (a ``$ref`` could carry no
siblings), so a branch that says nullable makes the whole nullable.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import gcd
from typing import Any

from driftguard.openapi.keywords import FLAGS, enum_key

__all__ = ["merge_all"]

Schema = dict[str, Any]

_UPPER = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"})
_LOWER = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"})
_SUBSCHEMAS = frozenset(
    {"items", "contains", "propertyNames", "not", "unevaluatedItems", "unevaluatedProperties"}
)
_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})


class _Conflict(Exception):
    """Two branches say things no single schema can say at once."""


def merge_all(schemas: Iterable[Schema]) -> Schema | None:
    """One schema meaning all of ``schemas`` (canonical, without ``$ref``), or None."""
    merged: Schema = {}
    try:
        for schema in schemas:
            if "$ref" in schema or "allOf" in schema:
                return None  # the caller resolves and flattens first; a cycle stays as it is
            for key, value in schema.items():
                if key in merged:
                    merged[key] = _both(key, merged[key], value)
                else:
                    merged[key] = value
    except _Conflict:
        return None
    return merged


def _both(key: str, a: Any, b: Any) -> Any:
    if a is b or (a == b and type(a) is type(b)):
        return a
    if key == "required":
        return sorted({*a, *b})
    if key == "type":
        return _types(a, b)
    if key == "enum":
        kept = {enum_key(v) for v in b}
        both = [v for v in a if enum_key(v) in kept]
        if not both:
            raise _Conflict
        return both
    if key == "nullable" or key in FLAGS:
        return True
    if key in _UPPER and _number(a) and _number(b):
        return min(a, b)
    if key in _LOWER and _number(a) and _number(b):
        return max(a, b)
    if key == "multipleOf" and isinstance(a, int) and isinstance(b, int) and a > 0 and b > 0:
        return a * b // gcd(a, b)
    if key in _MAPS and isinstance(a, dict) and isinstance(b, dict):
        out = dict(a)
        for name, schema in b.items():
            out[name] = _both("items", out[name], schema) if name in out else schema
        return out
    if key == "additionalProperties":
        if a is False or b is False:
            return False
        return {"allOf": [a, b]}
    if key in _SUBSCHEMAS and isinstance(a, dict) and isinstance(b, dict):
        if not a or not b:
            return a or b
        return {"allOf": [a, b]}
    if key == "default" or key.startswith("x-"):
        return a  # an annotation (a default, x-sunset): the first branch's
    raise _Conflict


def _types(a: list[str], b: list[str]) -> list[str]:
    """The types both lists admit (an integer is a number)."""
    kept = {t for t in a if t in b or (t == "integer" and "number" in b)}
    kept |= {t for t in b if t == "integer" and "number" in a}
    if not kept:
        raise _Conflict
    return sorted(kept)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
