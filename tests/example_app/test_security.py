"""Unit: password hashing and access tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from example_app.services.passwords import hash_password, verify_password
from example_app.services.tokens import ALGORITHM, InvalidTokenError, issue_token, read_token

SECRET = "s" * 40


def test_password_round_trip() -> None:
    stored = hash_password("correct horse")
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)


def test_hash_is_salted_and_never_contains_the_password() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second
    assert "correct horse" not in first
    assert first.startswith("scrypt$16384$8$1$")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text",
        "bcrypt$1$2$3$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$1099511627776$8$1$AAAA$AAAA",  # would need terabytes
    ],
)
def test_malformed_hash_matches_nothing(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_token_names_its_user() -> None:
    token = issue_token(42, secret=SECRET, ttl_seconds=60)
    assert token.expires_in == 60
    assert read_token(token.token, secret=SECRET) == 42


def test_expired_token_is_refused() -> None:
    issued = datetime.now(UTC) - timedelta(minutes=5)
    token = issue_token(42, secret=SECRET, ttl_seconds=60, now=issued)
    with pytest.raises(InvalidTokenError, match="expired"):
        read_token(token.token, secret=SECRET)


def test_token_signed_with_another_key_is_refused() -> None:
    token = issue_token(42, secret="o" * 40, ttl_seconds=60)
    with pytest.raises(InvalidTokenError, match="invalid"):
        read_token(token.token, secret=SECRET)


def test_unsigned_token_is_refused() -> None:
    forged = jwt.encode({"sub": "1", "iat": 0, "exp": 2**40}, key=None, algorithm="none")
    with pytest.raises(InvalidTokenError):
        read_token(forged, secret=SECRET)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "abc"},
        {"sub": "0"},
        {"sub": "-1"},
        {"sub": "9" * 30},
        {"sub": "²"},
        {"sub": 7},
    ],
)
def test_token_must_name_a_user_id(claims: dict[str, object]) -> None:
    now = datetime.now(UTC)
    token = jwt.encode(
        {"iat": now, "exp": now + timedelta(minutes=1), **claims}, SECRET, algorithm=ALGORITHM
    )
    with pytest.raises(InvalidTokenError):
        read_token(token, secret=SECRET)


def test_token_without_expiry_is_refused() -> None:
    token = jwt.encode({"sub": "1", "iat": datetime.now(UTC)}, SECRET, algorithm=ALGORITHM)
    with pytest.raises(InvalidTokenError):
        read_token(token, secret=SECRET)


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidTokenError):
        read_token(token, secret=SECRET)
