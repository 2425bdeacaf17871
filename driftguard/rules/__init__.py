"""The rule catalogue: every finding id driftguard can report, as data.

A rule (:class:`Rule`) is an id with its default severity, source, direction, area and
message templates. Checks decide *that* something happened and hand over the id, the place
and the details (:func:`finding`); severity and wording are looked up here, so a user's
severity override, a reworded message or a new format never touches a check. The rules come
in three modules, one per source: :mod:`~driftguard.rules.schema` (hundreds, generated from
CHECKS.md's tables), :mod:`~driftguard.rules.response` and :mod:`~driftguard.rules.fuzz`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from driftguard.findings import Finding
from driftguard.rules import fuzz, response, schema
from driftguard.rules._model import Rule

__all__ = ["RULES", "Rule", "brief", "finding", "get_rule", "render"]


def _catalogue() -> Mapping[str, Rule]:
    table: dict[str, Rule] = {}
    for rule in (*schema.RULES, *response.RULES, *fuzz.RULES):
        if rule.id in table:
            raise ValueError(f"rule {rule.id!r} is defined twice")
        table[rule.id] = rule
    return MappingProxyType(table)


RULES: Mapping[str, Rule] = _catalogue()


def get_rule(rule_id: str) -> Rule:
    rule = RULES.get(rule_id)
    if rule is None:
        raise KeyError(f"unknown rule id {rule_id!r}: add it to the catalogue")
    return rule


class _Lenient(dict[str, Any]):
    """Message templates never crash a run: a missing detail renders as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def render(template: str, values: Mapping[str, Any]) -> str:
    """A message template filled from ``values``; a missing one shows as '?'.

    ``str.format_map`` (C speed: a big diff renders thousands of messages) over a dict
    whose missing keys are '?'."""
    return template.format_map(_Lenient(values))


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
    text = message
    if not text:
        fill = _Lenient(values)  # (render's mapping, made once: thousands in a big diff)
        if "operation" not in fill:
            fill["operation"] = operation
        if "location" not in fill:
            fill["location"] = location
        text = rule.message.format_map(fill)
    return Finding(rule_id, rule.severity, rule.source, operation, location, text, values)


def brief(found: Finding) -> str:
    """How ``found`` reads in a path-by-path drift report: its rule's brief, else its message."""
    template = get_rule(found.id).brief
    return render(template, found.details) if template else found.message
