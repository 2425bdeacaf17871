"""One rule for "this operation requires authentication", read by probes and the fuzzer."""

from __future__ import annotations

from typing import Any

from driftguard.openapi.security import required_schemes, requires_auth

DOCUMENT: dict[str, Any] = {"security": [{"bearer": []}]}


def test_the_documents_security_applies_unless_the_operation_says_otherwise() -> None:
    assert requires_auth(DOCUMENT, {})
    assert required_schemes(DOCUMENT, {}) == ["bearer"]
    assert not requires_auth(DOCUMENT, {"security": []})
    assert not requires_auth({}, {})


def test_an_empty_requirement_lets_anonymous_requests_in() -> None:
    optional = {"security": [{"bearer": []}, {}]}
    assert not requires_auth(DOCUMENT, optional)
    assert required_schemes(DOCUMENT, optional) == []


def test_alternatives_give_every_scheme_once_in_order() -> None:
    operation = {"security": [{"key": [], "bearer": ["read"]}, {"bearer": []}, {"basic": []}]}
    assert required_schemes(DOCUMENT, operation) == ["key", "bearer", "basic"]
    assert not requires_auth(DOCUMENT, {"security": "nonsense"})
