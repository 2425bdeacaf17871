"""The response rules: a live response against the shape recorded in its snapshot.

Each has a ``brief`` form too: how the finding reads in a path-by-path drift report, such as
the one a failing pytest check prints (``$.full_name -> fullName (renamed)``).
"""

from __future__ import annotations

from driftguard.findings import Severity
from driftguard.rules._model import Rule

__all__ = ["RULES"]


def _response(rule_id: str, severity: Severity, message: str, brief: str) -> Rule:
    return Rule(rule_id, severity, "response", message, "response", "live-response", brief=brief)


RULES: list[Rule] = [
    _response(
        "response-field-removed",
        Severity.BREAKING,
        "field {path} is missing from the response of {probe}",
        "{path}: removed",
    ),
    _response(
        "response-field-added",
        Severity.INFO,
        "new field {path} in the response of {probe}",
        "{path}: added",
    ),
    _response(
        "response-field-renamed",
        Severity.BREAKING,
        "field {from} -> {to} (renamed) in the response of {probe}",
        "{path} -> {to} (renamed)",
    ),
    _response(
        "response-field-type-changed",
        Severity.BREAKING,
        "{path}: {old} -> {new} in the response of {probe}",
        "{path}: {old} -> {new}",
    ),
    _response(
        "response-field-became-nullable",
        Severity.BREAKING,
        "{path} is now null in the response of {probe}; it never was before",
        "{path}: now null, never was before",
    ),
    _response(
        "response-field-format-changed",
        Severity.WARNING,
        "{path}: format {old} -> {new} in the response of {probe}",
        "{path}: {old} -> {new} (format)",
    ),
    _response(
        "response-array-items-changed",
        Severity.BREAKING,
        "items of {path} changed shape: {old} -> {new} in the response of {probe}",
        "{path}: items {old} -> {new}",
    ),
    _response(
        "response-value-changed",
        Severity.BREAKING,
        "{path}: {old!r} -> {new!r} in the response of {probe}",
        "{path}: {old!r} -> {new!r} (value)",
    ),
    _response(
        "response-status-changed",
        Severity.BREAKING,
        "{probe} answered {new} instead of {old}",
        "status: {old} -> {new}",
    ),
    _response(
        "response-content-type-changed",
        Severity.BREAKING,
        "{probe} answered with media type {new} instead of {old}",
        "media type: {old} -> {new}",
    ),
]
