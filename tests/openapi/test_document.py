"""A document as the diff sees it: operations indexed once, and found by a concrete request."""

from __future__ import annotations

from driftguard.openapi.document import Spec


def test_a_request_finds_its_operation_preferring_literal_paths() -> None:
    spec = Spec(
        {
            "openapi": "3.1.0",
            "paths": {
                "/users/{id}": {"get": {}, "delete": {}},
                "/users/me": {"get": {}},
                "/x": {"post": {}},
            },
        }
    )

    def label(method: str, path: str) -> str | None:
        found = spec.find(method, path)
        return None if found is None else found.label

    assert label("GET", "/users/me") == "GET /users/me"
    assert label("get", "/users/42?x=1") == "GET /users/{id}"
    assert label("DELETE", "/users/me") == "DELETE /users/{id}"
    assert label("GET", "/users/42/") == "GET /users/{id}"
    assert label("GET", "/x") is None
    assert label("GET", "/users/1/extra") is None
    assert label("GET", "/users/") is None  # a parameter is never an empty segment
