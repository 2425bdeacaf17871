"""Signed, expiring access tokens (JWT, HS256) naming the user they were issued to.

Tokens carry only the user id: roles are looked up on every request, so taking a role
away takes effect at once instead of when the token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

__all__ = ["ALGORITHM", "AccessToken", "InvalidTokenError", "issue_token", "read_token"]

ALGORITHM = "HS256"
MAX_USER_ID = 2**63 - 1


class InvalidTokenError(ValueError):
    """The token is malformed, forged, expired or names no user id."""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int  # seconds


def issue_token(
    user_id: int, *, secret: str, ttl_seconds: int, now: datetime | None = None
) -> AccessToken:
    """A token for ``user_id`` valid for ``ttl_seconds`` from ``now``."""
    issued = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": issued,
        "exp": issued + timedelta(seconds=ttl_seconds),
    }
    return AccessToken(jwt.encode(claims, secret, algorithm=ALGORITHM), ttl_seconds)


def read_token(token: str, *, secret: str) -> int:
    """The user id a valid token was issued to; InvalidTokenError for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]}
        )
    except jwt.ExpiredSignatureError:
        raise InvalidTokenError("token expired") from None
    except jwt.InvalidTokenError:
        raise InvalidTokenError("token invalid") from None
    subject = claims["sub"]
    if not (isinstance(subject, str) and subject.isascii() and subject.isdigit()):
        raise InvalidTokenError("token names no user")
    if len(subject) > len(str(MAX_USER_ID)) or not 0 < int(subject) <= MAX_USER_ID:
        raise InvalidTokenError("token names no user")
    return int(subject)
