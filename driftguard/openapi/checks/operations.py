"""Paths, operations, operation ids, tags, security, components: the API's outline.

Removals and deprecations of operations are lifecycle checks (:mod:`.lifecycle`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit
from driftguard.openapi.document import WEBHOOKS, Operation
from driftguard.openapi.tree import OperationDiff, SecurityDiff, SpecDiff
from driftguard.openapi.walk import Site


@check("operation-added")
def operation_added(site: Site, operation: Operation) -> Iterator[Finding]:
    yield emit("endpoint-added", site, path=operation.path)


@check("operation")
def operation_changed(site: Site, op: OperationDiff) -> Iterator[Finding]:
    if op.operation_id is not None:
        old, new = op.operation_id
        if old is not None:
            yield emit("api-operation-id-removed", site, old=old, new=new)
        else:
            yield emit("api-operation-id-added", site, new=new)
    old_tags, new_tags = _tags(op.old.node), _tags(op.new.node)
    for tag in new_tags:
        if tag not in old_tags:
            yield emit("api-tag-added", site, location=f"tags {tag}", tag=tag)
    for tag in old_tags:
        if tag not in new_tags:
            yield emit("api-tag-removed", site, location=f"tags {tag}", tag=tag)
    if op.security is not None:
        yield from _security(site, op.security, "api")


def _tags(node: dict[str, Any]) -> list[str]:
    tags = node.get("tags")
    return [str(t) for t in tags] if isinstance(tags, list) else []


def _security(site: Site, diff: SecurityDiff, prefix: str) -> Iterator[Finding]:
    # Every location names what it is about, so that two requirements added to one operation
    # are two fingerprints (an ignore entry for one must not hide the other).
    for requirement in diff.added:
        name = _name(requirement)
        yield emit(f"{prefix}-security-added", site, location=f"security {name}", requirement=name)
    for requirement in diff.removed:
        name = _name(requirement)
        yield emit(
            f"{prefix}-security-removed", site, location=f"security {name}", requirement=name
        )
    for requirement, scheme, added, removed in diff.scopes:
        location = f"security {_name(requirement)} {scheme}"
        if added:
            yield emit(
                f"{prefix}-security-scope-added",
                site,
                location=location,
                scheme=scheme,
                scopes=added,
            )
        if removed:
            yield emit(
                f"{prefix}-security-scope-removed",
                site,
                location=location,
                scheme=scheme,
                scopes=removed,
            )


def _name(requirement: frozenset[str]) -> str:
    return " + ".join(sorted(requirement)) or "(none)"


@check("spec")
def spec_changed(site: Site, diff: SpecDiff) -> Iterator[Finding]:
    yield from _security(site, diff.security, "api-global")
    for name in diff.schemas_removed:
        yield emit("api-schema-removed", site, location=f"#/components/schemas/{name}", name=name)
    for old, new in diff.schemas_renamed:
        # At its new name: one component split in two (FastAPI's Item -> Item-Input and
        # Item-Output) is two renames with two fingerprints.
        yield emit(
            "component-renamed",
            site,
            location=f"#/components/schemas/{new}",
            **{"from": old, "to": new},
        )
    yield from _names(
        site,
        _section(diff.old.document, "securitySchemes"),
        _section(diff.new.document, "securitySchemes"),
        "api-security-component",
        "#/components/securitySchemes/",
    )
    moved = {hook.path.removeprefix(WEBHOOKS) for _, hook in diff.moved}
    new_hooks = {k: v for k, v in _webhooks(diff.new.document).items() if k not in moved}
    yield from _names(site, _webhooks(diff.old.document), new_hooks, "webhook", "webhooks ")


def _names(
    site: Site, old: dict[str, Any], new: dict[str, Any], prefix: str, where: str
) -> Iterator[Finding]:
    """``<prefix>-added`` / ``-removed`` for the names of a map that came and went."""
    for name in sorted(new.keys() - old.keys()):
        yield emit(f"{prefix}-added", site, location=f"{where}{name}", name=name)
    for name in sorted(old.keys() - new.keys()):
        yield emit(f"{prefix}-removed", site, location=f"{where}{name}", name=name)


def _webhooks(document: dict[str, Any]) -> dict[str, Any]:
    """3.1's ``webhooks``, or the ``x-webhooks`` of a 3.0 document."""
    return {**_mapping(document.get("x-webhooks")), **_mapping(document.get("webhooks"))}


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _section(document: dict[str, Any], name: str) -> dict[str, Any]:
    return _mapping(_mapping(document.get("components")).get(name))
