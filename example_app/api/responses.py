"""The error responses each route documents, so the OpenAPI document lists every status."""

from __future__ import annotations

from typing import Any

from example_app.schemas.common import ErrorOut

__all__ = [
    "BAD_BODY",
    "BAD_GATEWAY",
    "CONFLICT",
    "FORBIDDEN",
    "NOT_FOUND",
    "RATE_LIMITED",
    "UNAUTHORIZED",
    "UNAVAILABLE",
]

Responses = dict[int | str, dict[str, Any]]


def _error(status: int, description: str, headers: dict[str, Any] | None = None) -> Responses:
    response: dict[str, Any] = {"model": ErrorOut, "description": description}
    if headers:
        response["headers"] = headers
    return {status: response}


BAD_BODY = _error(400, "The body could not be parsed (e.g. it is not UTF-8)")
UNAUTHORIZED = _error(
    401,
    "No token, or a token that is malformed, forged or expired",
    {
        "WWW-Authenticate": {
            "description": "the authentication scheme to use: Bearer",
            "schema": {"type": "string"},
        }
    },
)
FORBIDDEN = _error(403, "Authenticated, but without the role this needs")
NOT_FOUND = _error(404, "No such resource")
CONFLICT = _error(409, "The e-mail address is already in use")
RATE_LIMITED = _error(
    429,
    "Too many requests from this client in the current window",
    {
        "Retry-After": {
            "description": "seconds until the window resets",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
)
BAD_GATEWAY = _error(502, "The exchange-rate service answered something unusable")
UNAVAILABLE = _error(503, "The exchange-rate service could not be reached in time")
