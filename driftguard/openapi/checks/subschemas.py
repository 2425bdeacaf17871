"""Subschemas beyond properties and items: JSON Schema 2020-12's applicators (OpenAPI 3.1),
and ``additionalProperties``.

A subschema present on both sides is compared pair by pair (the walker goes into ``then``,
``prefixItems[0]``, ``patternProperties[^x-]`` ... and the other checks report what changed
inside). What is reported here is a subschema that came or went, and the keywords that hold
names or values rather than schemas (``dependentRequired``, ``contentMediaType``). ``not``
and ``if`` are compared as a whole: a narrower ``not`` widens the schema, a changed ``if``
moves where ``then`` applies, so what changed inside them cannot be read the usual way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit_schema
from driftguard.openapi.tree import SchemaDiff
from driftguard.openapi.walk import Site

# keyword -> the word of its ids (``request-body-then-added``)
_PRESENCE = {
    "if": "if",
    "then": "then",
    "else": "else",
    "not": "not",
    "contains": "contains",
    "propertyNames": "property-names",
    "unevaluatedItems": "unevaluated-items",
    "unevaluatedProperties": "unevaluated-properties",
    "contentSchema": "content-schema",
}
_NAMES = {"patternProperties": "pattern-property", "dependentSchemas": "dependent-schema"}
_TEXT = {"contentMediaType": "content-media-type", "contentEncoding": "content-encoding"}


@check("schema")
def subschemas(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    keywords = node.keywords
    if not keywords:
        return
    for keyword, word in _PRESENCE.items():
        if keyword in keywords:
            old, new = keywords[keyword]
            if old is None:
                yield from emit_schema(site, f"{word}-added")
            elif new is None:
                yield from emit_schema(site, f"{word}-removed")
            else:  # only ``not`` and ``if`` are compared as values
                yield from emit_schema(site, f"{word}-changed")
    for keyword, word in _NAMES.items():
        if keyword in keywords:
            before, after = (set(names or ()) for names in keywords[keyword])
            if after - before:
                yield from emit_schema(site, f"{word}-added", values=sorted(after - before))
            if before - after:
                yield from emit_schema(site, f"{word}-removed", values=sorted(before - after))
    if "prefixItems" in keywords:
        old, new = (count or 0 for count in keywords["prefixItems"])
        change = "added" if new > old else "removed"
        yield from emit_schema(site, f"prefix-items-{change}", old=old, new=new)
    if "dependentRequired" in keywords:
        yield from _dependent_required(site, *keywords["dependentRequired"])
    for keyword, word in _TEXT.items():
        if keyword in keywords:
            old, new = keywords[keyword]
            yield from emit_schema(site, f"{word}-changed", old=old, new=new)
    if "additionalProperties" in keywords:
        yield from _additional(site, *keywords["additionalProperties"])


def _dependent_required(site: Site, old: Any, new: Any) -> Iterator[Finding]:
    before = old if isinstance(old, dict) else {}
    after = new if isinstance(new, dict) else {}
    added = sorted(name for name in after if name not in before)
    removed = sorted(name for name in before if name not in after)
    changed = sorted(
        name
        for name in after
        if name in before and sorted(map(str, before[name])) != sorted(map(str, after[name]))
    )
    if added:
        yield from emit_schema(site, "dependent-required-added", values=added)
    if removed:
        yield from emit_schema(site, "dependent-required-removed", values=removed)
    if changed:
        yield from emit_schema(site, "dependent-required-changed", values=changed)


def _additional(site: Site, old: Any, new: Any) -> Iterator[Finding]:
    """``additionalProperties`` where one side has no schema for it: absent (anything goes),
    ``false`` (nothing beyond the listed properties), or a schema (compared on its own when
    both sides have one)."""
    if new is False:
        yield from emit_schema(site, "additional-properties-forbidden")
    elif old is False:
        yield from emit_schema(site, "additional-properties-allowed")
    elif old is None and isinstance(new, dict):
        yield from emit_schema(site, "additional-properties-schema-added")
    elif new is None and isinstance(old, dict):
        yield from emit_schema(site, "additional-properties-schema-removed")
