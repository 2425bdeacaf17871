"""The one redaction rule set, by name and by value, and the secrets a run was given."""

from __future__ import annotations

import pytest

from driftguard._redact import (
    REDACTED,
    Redactor,
    is_secret_name,
    redact,
    redact_headers,
    redact_text,
)


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Api-Key",
        "access_token",
        "password",
        "client_secret",
        "refresh-token",
        "apiKey",
        "session_id",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["author", "name", "total", "created_at", "authority_id"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_redaction_of_headers_and_bodies() -> None:
    assert redact_headers({"Authorization": "Bearer x", "Accept": "application/json"}) == {
        "Authorization": REDACTED,
        "Accept": "application/json",
    }
    body = {
        "user": {"password": "hunter2", "name": "Ada", "tokens": [1, 2]},
        "note": "use Bearer abcdefghijklmnop to log in",
        "jwt_like": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJl",
        "nothing_secret": None,
    }
    assert redact(body) == {
        "user": {"password": REDACTED, "name": "Ada", "tokens": REDACTED},
        "note": "use Bearer <redacted> to log in",
        "jwt_like": REDACTED,
        "nothing_secret": None,
    }


def test_a_sample_is_a_short_redacted_excerpt() -> None:
    body = {"items": [{"token": "t"}, {"n": "x" * 500}, {"n": 3}], "deep": {"a": {"b": 1}}}
    sample = redact(body, sample=True)
    assert sample["items"] == [{"token": REDACTED}, {"n": "x" * 200 + "…"}]
    nested: object = 1
    for _ in range(12):
        nested = {"k": nested}
    assert "…" in str(redact(nested, sample=True))
    assert redact(nested) == nested  # without sample, nothing is cut


def test_issued_credentials_in_responses_are_redacted_by_name() -> None:
    body = {"access_token": "eyJ...", "token_type": "bearer", "user": {"password": "x", "id": 1}}
    assert redact(body) == {
        "access_token": REDACTED,
        "token_type": REDACTED,
        "user": {"password": REDACTED, "id": 1},
    }


def test_a_redactor_replaces_supplied_secrets_by_their_env_reference() -> None:
    redactor = Redactor.for_headers(
        {"Authorization": "Bearer real-token-1", "X-Tenant": "acme-corp", "X-Short": "abc"},
        {"Authorization": "Bearer ${TOKEN}"},
        harmless=frozenset({"fake-credential"}),
    )
    # a configured ${ENV} form is shown as written; a literal value as a variable named
    # after its header, which the report asks the user to export
    assert redactor.text("sent Bearer real-token-1 for acme-corp") == (
        "sent Bearer ${TOKEN} for ${X_TENANT}"
    )
    assert redactor.exports == {"X_TENANT": "X-Tenant"}
    assert redactor.placeholders == {"Bearer ${TOKEN}", "${X_TENANT}"}
    assert redactor.data({"a": ["acme-corp", 1]}) == {"a": ["${X_TENANT}", 1]}
    assert redactor.data({"password": "generated"}) == {"password": "generated"}
    assert redactor.received({"password": "issued", "x": "acme-corp"}) == {
        "password": REDACTED,
        "x": "${X_TENANT}",
    }
    assert redactor.received_text('{"token": "issued-by-the-app"} is not an array') == (
        '{"token": "<redacted>"} is not an array'
    )
    assert redactor.details(
        {"credentials": "header Authorization", "cause": "Bearer zzzzzzzzz"}
    ) == {
        "credentials": "header Authorization",  # keys are driftguard's words: never judged
        "cause": "Bearer <redacted>",
    }
    assert redactor.field("Authorization", "Bearer real-token-1") == "Bearer ${TOKEN}"
    assert redactor.field("Cookie", "session=1") == REDACTED
    assert redactor.field("X-Api-Key", "fake-credential") == "fake-credential"
    assert redactor.field("X-Short", "abc") == "abc"  # too short to be told apart from text
    assert redactor.field("X-Trace", "generated-by-the-run") == "generated-by-the-run"


def test_redaction_takes_linear_time_on_long_values() -> None:
    """A response may hold a megabyte of text: no pattern may backtrack over it per position.

    Judged by how the cost grows, not by a wall-clock limit (which a busy machine breaks):
    eight times the text must cost well under the 64 times a quadratic pattern would, in
    CPU time of this process, the best of three."""
    import time

    def cost(repeat: int) -> float:
        texts = ("x" * 8 * repeat, "ab: cd " * repeat, "a=b&" * 2 * repeat, "Bearer " * repeat)
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for text in texts:
                redact_text(text)
            best = min(best, time.process_time() - started)
        return max(best, 1e-4)

    small, large = cost(7_500), cost(60_000)
    assert large / small < 25, (small, large)
