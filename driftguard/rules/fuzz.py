"""The fuzz rules: what generated requests and the targeted scenarios show."""

from __future__ import annotations

from driftguard.findings import Severity
from driftguard.rules._model import Rule

__all__ = ["RULES"]


def _fuzz(rule_id: str, severity: Severity, message: str, area: str = "fuzz") -> Rule:
    return Rule(rule_id, severity, "fuzz", message, "none", area)


RULES: list[Rule] = [
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
        "page-size-exceeded",
        Severity.BREAKING,
        "answered more items than a page size allows: {cause}",
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
        "token-scope-not-checked",
        Severity.BREAKING,
        "the {scheme} password flow issued a token with a scope it does not declare: {cause}",
        area="auth",
    ),
    _fuzz(
        "resource-available-after-delete",
        Severity.WARNING,
        "a deleted resource is still served: {cause}",
        area="stateful",
    ),
    _fuzz(
        "stored-input-breaks-read",
        Severity.BREAKING,
        "an accepted write breaks a later read: {read} {cause}",
        area="stateful",
    ),
    _fuzz(
        "duplicate-create-server-error",
        Severity.BREAKING,
        "the same create request sent again, one after the other, gave {cause}",
        area="stateful",
    ),
    _fuzz(
        "concurrency-conflict",
        Severity.BREAKING,
        "{cause} when the same create request was sent {concurrency} times at once",
        area="concurrency",
    ),
]
