"""The check stage: events from the walker in, findings out.

A check is a function ``(site, item) -> Iterable[Finding]`` subscribed to one or more event
kinds with :func:`check`. Checks are grouped by area (operations, parameters, bodies and
responses, schema keywords, object properties); none of them walks the diff: the walker
(:mod:`driftguard.openapi.walk`) hands each of them exactly the changes of its kind. Findings
are made only through :func:`emit` / :func:`emit_schema`, that is through the catalogue,
so ids, severities and messages stay data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from driftguard import rules
from driftguard.findings import Finding
from driftguard.openapi.tree import SpecDiff
from driftguard.openapi.walk import Site, walk
from driftguard.rules.schema import schema_rule

__all__ = ["CHECKS", "check", "emit", "emit_schema", "run_checks"]

Check = Callable[[Site, Any], Iterable[Finding]]
CHECKS: dict[str, list[Check]] = {}
_MODULES = ("operations", "parameters", "bodies", "schemas", "properties", "lifecycle")
_loaded = False


def check(*kinds: str) -> Callable[[Check], Check]:
    """Subscribe a check to walker events of ``kinds``."""

    def register(function: Check) -> Check:
        for kind in kinds:
            CHECKS.setdefault(kind, []).append(function)
        return function

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in _MODULES:
            importlib.import_module(f"{__name__}.{name}")
        _loaded = True


def run_checks(diff: SpecDiff) -> list[Finding]:
    _load()
    findings: list[Finding] = []
    for event in walk(diff):
        for function in CHECKS.get(event.kind, ()):
            findings.extend(function(event.site, event.item))
    return findings


def emit(rule_id: str, site: Site, *, location: str | None = None, **details: Any) -> Finding:
    return rules.finding(
        rule_id,
        operation=site.operation,
        location=site.location if location is None else location,
        details=site.details(**details),
    )


def emit_schema(site: Site, change: str, **details: Any) -> Iterable[Finding]:
    """The finding for a schema keyword ``change`` at ``site``, if that place has such a rule.

    Only response headers lack rules for most keywords (they are compared on type and
    nullability), so for them this yields nothing.
    """
    rule_id = schema_rule(site.where, change)
    if rule_id is not None:
        yield emit(rule_id, site, **details)
