"""Deprecation, sunset and stability checks, on operations, parameters and properties.

The rules are :mod:`driftguard.openapi.lifecycle`'s (one judgement for every place); this
module only names, for each place, the ids oasdiff gives each outcome. The lowering of
findings about draft and alpha operations, and the version check, need every finding and
run after the checks (:func:`driftguard.openapi.lifecycle.review`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit
from driftguard.openapi.document import Operation, Parameter
from driftguard.openapi.lifecycle import (
    deprecation,
    judge,
    removal,
    stability_change,
    sunset,
    sunset_moved,
)
from driftguard.openapi.tree import OperationDiff, ParameterDiff, SchemaDiff
from driftguard.openapi.walk import Site

# outcome of lifecycle.deprecation / removal / sunset_moved -> id, per place
_OPERATION = {
    "plain": "endpoint-deprecated",
    "missing": "api-deprecated-sunset-missing",
    "invalid": "api-deprecated-sunset-parse",
    "too-small": "api-sunset-date-too-small",
    "with-sunset": "endpoint-deprecated-with-sunset",
    "reactivated": "endpoint-reactivated",
    "deleted": "sunset-deleted",
    "earlier": "api-sunset-date-changed-too-small",
    "decreased": "api-stability-decreased",
    "increased": "api-stability-increased",
    "invalid-level": "api-invalid-stability-level",
}
_PARAMETER = {
    "plain": "request-parameter-deprecated",
    "missing": "request-parameter-deprecated-sunset-missing",
    "invalid": "request-parameter-sunset-parse",
    "too-small": "request-parameter-sunset-date-too-small",
    "with-sunset": "request-parameter-deprecated",
    "reactivated": "request-parameter-reactivated",
    "deleted": "request-parameter-sunset-deleted",
    "earlier": "request-parameter-sunset-date-changed-too-small",
    "without": "request-parameter-removed",
    "before": "request-parameter-removed-before-sunset",
    "with": "request-parameter-removed-with-deprecation",
}
_PROPERTY = {
    "plain": "deprecated",
    "missing": "deprecated-sunset-missing",
    "invalid": "deprecated-sunset-invalid",
    "too-small": "sunset-date-too-small",
    "with-sunset": "deprecated-with-sunset",
    "reactivated": "reactivated",
    "decreased": "stability-decreased",
    "increased": "stability-increased",
}


def _deprecated(node: dict[str, Any]) -> bool:
    return node.get("deprecated") is True


def _life(
    site: Site, ids: dict[str, str], old: dict[str, Any], new: dict[str, Any], grace: int
) -> Iterator[Finding]:
    """Deprecated, reactivated or its sunset moved: the same judgement for every place."""
    today = judge().today
    was, now = _deprecated(old), _deprecated(new)
    if now and not was:
        outcome, details = deprecation(sunset(new), grace, today)
        yield emit(ids[outcome], site, **details)
    elif was and not now:
        yield emit(ids["reactivated"], site)
    elif now:
        moved = sunset_moved(sunset(old), sunset(new), grace, today)
        if moved is not None and moved[0] in ids:
            yield emit(ids[moved[0]], site, **moved[1])


@check("operation")
def operation_lifecycle(site: Site, op: OperationDiff) -> Iterator[Finding]:
    yield from _life(site, _OPERATION, op.old.node, op.new.node, judge().grace(op.new.node))
    yield from _stability(site, _OPERATION, op.old.node, op.new.node)


@check("operation-added")
def operation_added_level(site: Site, operation: Operation) -> Iterator[Finding]:
    yield from _stability(site, _OPERATION, {}, operation.node)


def _stability(
    site: Site, ids: dict[str, str], old: dict[str, Any], new: dict[str, Any]
) -> Iterator[Finding]:
    change = stability_change(old, new)
    if change is None:
        return
    outcome, details = change
    rule_id = _OPERATION["invalid-level"] if outcome == "invalid" else ids[outcome]
    yield emit(rule_id, site, **details)


@check("operation-removed")
def operation_removed(site: Site, item: tuple[Operation, bool]) -> Iterator[Finding]:
    operation, path_gone = item
    outcome, details = removal(operation.deprecated, sunset(operation.node), judge().today)
    prefix = "api-path" if path_gone else "api"
    rule_id = {
        "without": f"{prefix}-removed-without-deprecation",
        "invalid": "api-path-sunset-parse",
        "before": f"{prefix}-removed-before-sunset",
        "with": f"{prefix}-removed-with-deprecation",
    }[outcome]
    yield emit(rule_id, site, path=operation.path, **details)


@check("parameter-removed")
def parameter_removed(site: Site, parameter: Parameter) -> Iterator[Finding]:
    found = sunset(parameter.node)
    outcome, details = removal(parameter.deprecated, found, judge().today)
    yield emit(_PARAMETER[outcome], site, **details)


@check("parameter")
def parameter_lifecycle(site: Site, pair: ParameterDiff) -> Iterator[Finding]:
    grace = judge().grace(site.operation)
    yield from _life(site, _PARAMETER, pair.old.node, pair.new.node, grace)


_PROPERTY_IDS = {
    where: {outcome: f"{where}-{suffix}" for outcome, suffix in _PROPERTY.items()}
    for where in ("request-property", "response-property")
}


@check("schema")
def property_lifecycle(site: Site, node: SchemaDiff) -> Iterator[Finding]:
    """Request and response properties: the only schemas CHECKS.md has lifecycle ids for.

    CHECKS.md has no ids for a property's sunset deleted or moved earlier: those say nothing.
    """
    ids = _PROPERTY_IDS.get(site.where)
    if ids is None:
        return
    keywords = node.keywords
    if "deprecated" in keywords or "x-sunset" in keywords:
        yield from _life(site, ids, node.old, node.new, judge().grace(site.operation))
    if "x-stability-level" in keywords:
        yield from _stability(site, ids, node.old, node.new)
