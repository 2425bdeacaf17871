"""The rule catalogue: every finding id driftguard can report, as data.

A rule (:class:`Rule`) is an id with its default severity, source, direction, area and
message templates. Checks decide *that* something happened and hand over the id, the place
and the details (:func:`finding`); severity and wording are looked up here, so a user's
severity override, a reworded message or a new format never touches a check. The rules come
in three modules, one per source: :mod:`~driftguard.rules.schema` (hundreds, generated from
CHECKS.md's tables), :mod:`~driftguard.rules.response` and :mod:`~driftguard.rules.fuzz`.
"""

from __future__ import annotations

import json
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


class _Json:
    """A detail as a message shows it: as JSON writes it (``true``, ``null``, ``["c"]``,
    ``{"a": 1}``), never as Python does (``True``, ``None``, ``['c']``); a text stays
    itself, and is quoted as JSON quotes it where a template asks for a quoted value
    (``{old!r}``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return self.value if type(self.value) is str else repr(self)

    def __repr__(self) -> str:
        return json.dumps(self.value, ensure_ascii=False, default=str)


# What a message shows as Python formats it, which is as JSON writes it (a bool is an int
# subclass, but `type` is exact: True is not shown as True).
_AS_IS = frozenset({str, int, float})


def _fill(template: str, values: Mapping[str, Any]) -> _Lenient:
    """The mapping a template is filled from (made once per message: thousands in a diff)."""
    quoted = "!r}" in template
    fill = _Lenient()
    for key, value in values.items():
        kind = type(value)
        fill[key] = value if kind in _AS_IS and not (quoted and kind is str) else _Json(value)
    return fill


def render(template: str, values: Mapping[str, Any]) -> str:
    """A message template filled from ``values``; a missing one shows as '?', values as JSON
    writes them (:class:`_Json`).

    ``str.format_map`` (C speed: a big diff renders thousands of messages) over a dict
    whose missing keys are '?'."""
    return template.format_map(_fill(template, values))


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
        fill = _fill(rule.message, values)
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
