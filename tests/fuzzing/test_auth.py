"""Credential slots of an operation, and requests without or with spoiled credentials."""

from __future__ import annotations

from typing import Any

from driftguard.fuzzing.auth import has_credentials, security_slots, with_credentials
from driftguard.fuzzing.transport import Request

SECURED: dict[str, Any] = {
    "components": {
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"},
            "key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
        }
    },
    "security": [{"basic": []}],
    "paths": {
        "/a": {"get": {}},
        "/b": {"get": {"security": [{"key": []}, {"cookie": []}]}},
        "/open": {"get": {"security": [{}, {"basic": []}]}},
    },
}


def test_security_slots_follow_operation_then_document_requirements() -> None:
    assert [str(s) for s in security_slots(SECURED, "/a", "GET")] == ["header Authorization"]
    assert [str(s) for s in security_slots(SECURED, "/b", "GET")] == ["query api_key", "cookie sid"]
    assert security_slots(SECURED, "/open", "GET") == []  # anonymous access is allowed


def test_credentials_are_removed_or_spoiled_in_every_slot() -> None:
    slots = security_slots(SECURED, "/b", "GET")
    request = Request("GET", "http://h/b?api_key=real&x=1", (("Cookie", "sid=real; theme=dark"),))
    assert has_credentials(request, slots)
    bare = with_credentials(request, slots, fake=False)
    assert not has_credentials(bare, slots)
    assert bare.query == [("x", "1")]
    assert bare.header("cookie") == "theme=dark"
    fake = with_credentials(request, slots, fake=True)
    assert ("api_key", "driftguard-invalid-credential") in fake.query
    assert "sid=driftguard-invalid-credential" in (fake.header("cookie") or "")
