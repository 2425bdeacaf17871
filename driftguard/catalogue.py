"""The rule catalogue: every finding id driftguard can report, as data.

A rule is an id with its default severity, source, direction, area and message template.
Checks decide *that* something happened and hand over the id, the place and the details;
severity and wording are looked up here, so a user's severity override, a reworded message
or a new format never touches a check. The schema rules (hundreds of them) live in
:mod:`driftguard.openapi.rules` and are registered on first use; the response and fuzz rules
are small enough to live here.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from driftguard.findings import Finding, Severity, Source

__all__ = ["RULES", "Rule", "all_rules", "finding", "get_rule", "register", "render"]

Direction = Literal["request", "response", "none"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    source: Source
    message: str
    direction: Direction = "none"
    area: str = ""
    tier: int = 1


RULES: dict[str, Rule] = {}
# Modules holding more rules, imported (and so registered) the first time a rule is looked up.
_RULE_MODULES = ("driftguard.openapi.rules",)
_loaded = False


def register(rules: Iterable[Rule]) -> None:
    for rule in rules:
        if rule.id in RULES and RULES[rule.id] != rule:
            raise ValueError(f"rule {rule.id!r} is registered twice with different data")
        RULES[rule.id] = rule


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def all_rules() -> dict[str, Rule]:
    _load_all()
    return RULES


def get_rule(rule_id: str) -> Rule:
    rule = RULES.get(rule_id)
    if rule is None:
        _load_all()
        rule = RULES.get(rule_id)
    if rule is None:
        raise KeyError(f"unknown rule id {rule_id!r}: add it to the catalogue")
    return rule


class _Lenient(string.Formatter):
    """Message templates never crash a run: a missing detail renders as '?'."""

    def get_value(self, key: Any, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, "?")
        return super().get_value(key, args, kwargs)


_FORMATTER = _Lenient()


def render(template: str, values: Mapping[str, Any]) -> str:
    """A message template filled from ``values``; a missing one shows as '?'."""
    return _FORMATTER.format(template, **values)


def finding(
    rule_id: str,
    *,
    operation: str | None,
    location: str,
    details: Mapping[str, Any] | None = None,
    message: str | None = None,
) -> Finding:
    """A Finding for ``rule_id`` with the catalogue's severity, source and message."""
    rule = get_rule(rule_id)
    values = dict(details or {})
    text = message or render(rule.message, {"operation": operation, "location": location, **values})
    return Finding(rule_id, rule.severity, rule.source, operation, location, text, values)


def _response(rule_id: str, severity: Severity, message: str) -> Rule:
    return Rule(rule_id, severity, "response", message, "response", "live-response")


def _fuzz(rule_id: str, severity: Severity, message: str, area: str = "fuzz") -> Rule:
    return Rule(rule_id, severity, "fuzz", message, "none", area)


register(
    [
        _response(
            "response-field-removed",
            Severity.BREAKING,
            "field {path} is missing from the response of {probe}",
        ),
        _response(
            "response-field-added", Severity.INFO, "new field {path} in the response of {probe}"
        ),
        _response(
            "response-field-renamed",
            Severity.BREAKING,
            "field {from} -> {to} (renamed) in the response of {probe}",
        ),
        _response(
            "response-field-type-changed",
            Severity.BREAKING,
            "{path}: {old} -> {new} in the response of {probe}",
        ),
        _response(
            "response-field-became-nullable",
            Severity.BREAKING,
            "{path} is now null in the response of {probe}; it never was before",
        ),
        _response(
            "response-field-format-changed",
            Severity.WARNING,
            "{path}: format {old} -> {new} in the response of {probe}",
        ),
        _response(
            "response-array-items-changed",
            Severity.BREAKING,
            "items of {path} changed shape: {old} -> {new} in the response of {probe}",
        ),
        _response(
            "response-status-changed", Severity.BREAKING, "{probe} answered {new} instead of {old}"
        ),
        _response(
            "response-content-type-changed",
            Severity.BREAKING,
            "{probe} answered with media type {new} instead of {old}",
        ),
        _fuzz("server-error", Severity.BREAKING, "server error: {cause}"),
        _fuzz(
            "accepted-invalid-input",
            Severity.BREAKING,
            "accepted a request the schema forbids: {cause}",
        ),
        _fuzz(
            "rejected-valid-input",
            Severity.WARNING,
            "rejected a request that matches the schema with {status}: {cause}",
        ),
        _fuzz(
            "response-schema-violation",
            Severity.BREAKING,
            "response does not match its schema: {cause}",
        ),
        _fuzz(
            "undocumented-status-code",
            Severity.WARNING,
            "answered undocumented status {status} (documented: {documented})",
        ),
        _fuzz(
            "undocumented-content-type",
            Severity.WARNING,
            "answered undocumented media type {content_type} (documented: {documented})",
        ),
        _fuzz(
            "missing-required-header-accepted",
            Severity.WARNING,
            "accepted a request without required header {header}",
        ),
        _fuzz(
            "auth-not-enforced",
            Severity.BREAKING,
            "declares authentication but answered {status} {cause}",
            area="auth",
        ),
        _fuzz(
            "resource-available-after-delete",
            Severity.WARNING,
            "a deleted resource is still served: {cause}",
            area="stateful",
        ),
        _fuzz(
            "concurrency-conflict",
            Severity.BREAKING,
            "{cause} when the same create request was sent {concurrency} times at once",
            area="concurrency",
        ),
    ]
)
