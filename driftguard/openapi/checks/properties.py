"""Object properties: added, removed, renamed, and becoming required or optional.

A request must stay valid, so a new required request property breaks and a removed one only
warns (the server may now ignore it). A response must stay acceptable, so a removed required
response property breaks and a new one is information. ``readOnly`` properties are not part
of requests and ``writeOnly`` ones not part of responses, so they are skipped on that side.
Parameter schemas hold objects rarely (deepObject query parameters, header objects); only
header objects have CHECKS.md ids for their properties, so only they are checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit
from driftguard.openapi.lifecycle import sunset
from driftguard.openapi.tree import SchemaDiff
from driftguard.openapi.walk import Site


@check("schema")
def properties(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    if not (node.added or node.removed or node.renamed or "required" in node.keywords):
        return
    if site.where in ("request-body", "request-property"):
        yield from _request(site, node)
    elif site.where in ("response-body", "response-property"):
        yield from _response(site, node)
    elif site.where == "request-header-property" or (
        site.where == "request-parameter" and dict(site.subject).get("in") == "header"
    ):
        yield from _header(site, node)


def _props(schema: dict[str, Any]) -> dict[str, Any]:
    props = schema.get("properties")
    return props if isinstance(props, dict) else {}


def _was(schema: dict[str, Any]) -> dict[str, Any]:
    """What a removed property's deprecation was, for the lifecycle to judge its removal."""
    if schema.get("deprecated") is not True:
        return {}
    found = sunset(schema)
    return {"deprecated": True} if found is None else {"deprecated": True, "sunset": found.written}


def _request(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    old_props, new_props = _props(node.old), _props(node.new)
    old_required = set(node.old.get("required", ()))
    new_required = set(node.new.get("required", ()))
    for name in node.added:
        schema = new_props[name]
        if schema.get("readOnly"):
            continue
        child = site.child(name)
        if name in new_required:
            suffix = "-with-default" if "default" in schema else ""
            yield emit(f"new-required-request-property{suffix}", child)
        else:
            yield emit("new-optional-request-property", child)
    for name in node.removed:
        if not old_props[name].get("readOnly"):
            was = {**_was(old_props[name]), "required": name in old_required}
            yield emit("request-property-removed", site.child(name), **was)
    for old, new in node.renamed:
        yield emit("request-property-renamed", site.child(old), **{"from": old, "to": new})
    for name in node.properties:
        if new_props[name].get("readOnly"):
            continue
        if name in new_required and name not in old_required:
            suffix = "-with-default" if "default" in new_props[name] else ""
            yield emit(f"request-property-became-required{suffix}", site.child(name))
        elif name in old_required and name not in new_required:
            yield emit("request-property-became-optional", site.child(name))
    for name, required in _undeclared(node, old_required, new_required):
        state = "required" if required else "optional"
        yield emit(f"request-property-became-{state}", site.child(name))


def _response(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    old_props, new_props = _props(node.old), _props(node.new)
    old_required = set(node.old.get("required", ()))
    new_required = set(node.new.get("required", ()))
    for name in node.added:
        if new_props[name].get("writeOnly"):
            continue
        level = "required" if name in new_required else "optional"
        yield emit(f"response-{level}-property-added", site.child(name))
    for name in node.removed:
        if old_props[name].get("writeOnly"):
            continue
        level = "required" if name in old_required else "optional"
        yield emit(f"response-{level}-property-removed", site.child(name), **_was(old_props[name]))
    for old, new in node.renamed:
        yield emit("response-property-renamed", site.child(old), **{"from": old, "to": new})
    for name in node.properties:
        if new_props[name].get("writeOnly"):
            continue
        if name in old_required and name not in new_required:
            yield emit("response-property-became-optional", site.child(name))
        elif name in new_required and name not in old_required:
            yield emit("response-property-became-required", site.child(name))
    for name, required in _undeclared(node, old_required, new_required):
        state = "required" if required else "optional"
        yield emit(f"response-property-became-{state}", site.child(name))


def _undeclared(
    node: SchemaDiff, old_required: set[str], new_required: set[str]
) -> Iterator[tuple[str, bool]]:
    """Names required on one side only that neither side declares as a property: JSON
    Schema allows ``required`` without ``properties`` (in a ``dependentSchemas`` or ``then``
    subschema, say). ``True`` for a name that became required."""
    declared = _props(node.old).keys() | _props(node.new).keys()
    for name in sorted(new_required ^ old_required):
        if name not in declared:
            yield name, name in new_required


def _header(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    old_required = set(node.old.get("required", ()))
    new_required = set(node.new.get("required", ()))
    for name in node.added:
        if name in new_required:
            yield emit("new-required-request-header-property", site.child(name))
    for name in node.properties:
        if name in new_required and name not in old_required:
            yield emit("request-header-property-became-required", site.child(name))
