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
from dataclasses import replace
from typing import Any

from driftguard import rules
from driftguard.findings import Finding
from driftguard.openapi.tree import SpecDiff
from driftguard.openapi.walk import Site, walk
from driftguard.rules.schema import counterpart, schema_rule

__all__ = ["CHECKS", "check", "emit", "emit_schema", "run_checks"]

Check = Callable[[Site, Any], Iterable[Finding]]
CHECKS: dict[str, list[Check]] = {}
_MODULES = (
    "operations",
    "parameters",
    "bodies",
    "schemas",
    "subschemas",
    "properties",
    "lifecycle",
)
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
    schema_checks = CHECKS.get("schema", ())
    for event in walk(diff):
        if event.kind == "schema":  # (the most frequent kind: its checks looked up once)
            for function in schema_checks:
                findings.extend(function(event.site, event.item))
            continue
        for function in CHECKS.get(event.kind, ()):
            findings.extend(function(event.site, event.item))
    return findings


def emit(rule_id: str, site: Site, *, location: str | None = None, **details: Any) -> Finding:
    finding = rules.finding(
        rule_id,
        operation=site.operation,
        location=site.location if location is None else location,
        details=site.details(**details),
    )
    return _sent(finding) if site.sent else finding


_SENT = (
    "the API sends this request (a webhook or a callback), so its receiver must keep "
    "accepting it as a client a response: the severity is that of {other}"
)


def _sent(finding: Finding) -> Finding:
    """A finding of a webhook or callback at the severity its counterpart has: a payload
    field that may now be missing breaks receivers, as a response field would clients."""
    other = counterpart(finding.id, dict(finding.details))
    if other is None:
        return finding
    severity = rules.get_rule(other).severity
    if severity is finding.severity:
        return finding
    note = _SENT.format(other=other)
    return replace(finding, severity=severity, details={**finding.details, "sent": note})


def emit_schema(site: Site, change: str, **details: Any) -> Iterable[Finding]:
    """The finding for a schema keyword ``change`` at ``site``, if that place has such a rule.

    Only response headers lack rules for most keywords (they are compared on type and
    nullability), so for them this yields nothing.
    """
    rule_id = schema_rule(site.where, change)
    if rule_id is not None:
        yield emit(rule_id, site, **details)
