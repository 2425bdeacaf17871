"""Schema keywords at any depth: type, nullability, enums, defaults, bounds, patterns,
compositions and discriminators.

Each check says which way a keyword moved (``max-length-decreased``, ``type-generalized``);
whether that breaks clients depends on the side, and that is the catalogue's business: the
same change is ``breaking`` in a request and ``info`` in a response, or the reverse.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from driftguard.findings import Finding, Severity
from driftguard.openapi.checks import check, emit_schema
from driftguard.openapi.tree import SchemaDiff
from driftguard.openapi.walk import Site
from driftguard.rules.schema import BOUNDS

# (old format, new format) pairs where the new one accepts more values.
_WIDER_FORMATS = {("int32", "int64"), ("float", "double"), ("int32", "double"), ("int64", "double")}
# Patterns that accept every string: changing to one of these generalises.
_MATCH_ALL = frozenset({".*", "^.*$", "^.*", ".*$", "[\\s\\S]*", "^[\\s\\S]*$", "(.*)"})
_WORDS = {"oneOf": "one-of", "anyOf": "any-of", "allOf": "all-of"}


@check("schema")
def schema_keywords(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    keywords = node.keywords
    if not keywords:
        return
    if "type" in keywords or "format" in keywords:
        yield from _type(site, node)
    if "nullable" in keywords:
        change = "became-nullable" if node.new.get("nullable") else "became-not-nullable"
        yield from emit_schema(site, change)
    if "enum" in keywords:
        yield from _enum(site, *keywords["enum"])
    if "default" in keywords:
        old, new = keywords["default"]
        if old is None:
            yield from emit_schema(site, "default-value-added", new=new)
        elif new is None:
            yield from emit_schema(site, "default-value-removed", old=old)
        else:
            yield from emit_schema(site, "default-value-changed", old=old, new=new)
    for keyword, (word, kind) in BOUNDS.items():
        if keyword in keywords:
            yield from _bound(site, word, kind, *keywords[keyword])
    if "pattern" in keywords:
        old, new = keywords["pattern"]
        if old is None:
            yield from emit_schema(site, "pattern-added", new=new)
        elif new is None:
            yield from emit_schema(site, "pattern-removed", old=old)
        elif new in _MATCH_ALL:
            yield from emit_schema(site, "pattern-generalized", old=old, new=new)
        else:
            yield from emit_schema(site, "pattern-changed", old=old, new=new)
    if "discriminator" in keywords:
        yield from _discriminator(site, *keywords["discriminator"])


def _type_text(types: list[str] | None, fmt: Any) -> str:
    text = "any" if types is None else "/".join(types) or "null"
    return f"{text} ({fmt})" if fmt else text


def _accepts(wide: set[str], narrow: set[str]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def classify_type(
    old: list[str] | None, new: list[str] | None, old_format: Any, new_format: Any
) -> str | None:
    """How a (type, format) declaration moved: generalized, specialized, changed, ...

    ``None`` types mean "any type". ``integer`` is a subset of ``number``.
    """
    if old == new:
        if old_format == new_format:
            return None
        if new_format is None or (old_format, new_format) in _WIDER_FORMATS:
            return "type-generalized"
        if old_format is None or (new_format, old_format) in _WIDER_FORMATS:
            return "type-specialized"
        return "type-compatible"
    if old is None:
        return "type-specialized"
    if new is None:
        return "type-generalized"
    before, after = set(old), set(new)
    single = len(before) == 1 and len(after) == 1
    widened, narrowed = _accepts(after, before), _accepts(before, after)
    if widened and not narrowed:
        return "type-generalized" if single else "list-of-types-widened"
    if narrowed and not widened:
        return "type-specialized" if single else "list-of-types-narrowed"
    return "type-changed"


def _type(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    old_type, new_type = node.old.get("type"), node.new.get("type")
    old_format, new_format = node.old.get("format"), node.new.get("format")
    change = classify_type(old_type, new_type, old_format, new_format)
    if change == "type-changed" and site.where == "request-parameter":
        change = _serialized(node) or change
    if change is not None:
        yield from emit_schema(
            site,
            change,
            old=_type_text(old_type, old_format),
            new=_type_text(new_type, new_format),
        )


def _serialized(node: SchemaDiff) -> str | None:
    """A parameter that became an array of what it was (``?tag=a`` is a one-item array in
    every style OpenAPI defines), generalized; the reverse, specialized."""
    for scalar, array, change in (
        (node.old, node.new, "type-generalized"),
        (node.new, node.old, "type-specialized"),
    ):
        items = array.get("items")
        if array.get("type") == ["array"] and isinstance(items, dict) and "type" in scalar:
            within = classify_type(scalar["type"], items.get("type"), None, None)
            if within in (None, "type-generalized", "list-of-types-widened"):
                return change
    return None


def _key(value: Any) -> tuple[str, Any]:
    if isinstance(value, str | int | float | bool) or value is None:
        return (type(value).__name__, value)
    return ("json", json.dumps(value, sort_keys=True))


def _enum(site: Site, old: list[Any] | None, new: list[Any] | None) -> Iterator[Finding]:
    if old is None:
        yield from emit_schema(site, "became-enum", new=new)
        return
    if new is None:
        yield from emit_schema(site, "enum-removed", old=old)
        return
    before = {_key(v): v for v in old}
    after = {_key(v): v for v in new}
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    if added:
        yield from emit_schema(site, "enum-value-added", values=added)
    if removed:
        yield from emit_schema(site, "enum-value-removed", values=removed)


def _bound(site: Site, word: str, kind: str, old: Any, new: Any) -> Iterator[Finding]:
    if old is None:
        change = "set"
    elif new is None:
        change = "unset"
    elif new > old:
        change = "increased"
    elif new < old:
        change = "decreased"
    else:
        return
    yield from emit_schema(site, f"{word}-{change}", old=old, new=new)


def _discriminator(site: Site, old: Any, new: Any) -> Iterator[Finding]:
    old = old if isinstance(old, dict) else None
    new = new if isinstance(new, dict) else None
    if old is None and new is not None:
        yield from emit_schema(site, "discriminator-added", new=new.get("propertyName"))
        return
    if new is None and old is not None:
        yield from emit_schema(site, "discriminator-removed", old=old.get("propertyName"))
        return
    if old is None or new is None:
        return
    if old.get("propertyName") != new.get("propertyName"):
        yield from emit_schema(
            site,
            "discriminator-property-name-changed",
            old=old.get("propertyName"),
            new=new.get("propertyName"),
        )
    before, after = old.get("mapping") or {}, new.get("mapping") or {}
    added = sorted(k for k in after if k not in before)
    deleted = sorted(k for k in before if k not in after)
    changed = sorted(k for k in after if k in before and after[k] != before[k])
    if added:
        yield from emit_schema(site, "discriminator-mapping-added", values=added)
    if deleted:
        yield from emit_schema(site, "discriminator-mapping-deleted", values=deleted)
    if changed:
        yield from emit_schema(site, "discriminator-mapping-changed", values=changed)


@check("schema")
def compositions(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    if node.wrapped is not None:
        yield from emit_schema(site, "wrapped-in-one-of", branch=node.wrapped[0])
    for kind, branches in node.branches.items():
        word = _WORDS[kind]
        for change, items in (("added", branches.added), ("removed", branches.removed)):
            if not items:
                continue
            real = [label for label, schema in items if schema or kind != "allOf"]
            if real and kind == "allOf" and node.merged:
                # Compared merged: what the branches changed is reported property by
                # property, at its own severity; this only says how the schema is composed.
                for finding in emit_schema(site, f"{word}-{change}", branches=real):
                    yield replace(
                        finding,
                        severity=Severity.INFO,
                        details={**finding.details, "merged": _MERGED},
                    )
            elif real:
                yield from emit_schema(site, f"{word}-{change}", branches=real)
            if len(real) < len(items):
                yield from emit_schema(site, f"all-of-{change}-annotation-only")


_MERGED = "allOf compared merged: its changes are reported on their own"
