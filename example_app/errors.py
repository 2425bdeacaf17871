"""What can go wrong in the business logic, said without HTTP.

Services raise these; ``api/errors.py`` alone decides which status each becomes, so a
service never needs to know it is behind a web API.
"""

from __future__ import annotations

__all__ = [
    "AppError",
    "AuthenticationError",
    "ConflictError",
    "DownstreamError",
    "DownstreamUnavailableError",
    "NotFoundError",
    "PermissionDeniedError",
    "StartupError",
]


class AppError(Exception):
    """An expected failure; its message is safe to show to the client."""


class NotFoundError(AppError):
    """The thing asked for does not exist (or the caller may not know it does)."""


class ConflictError(AppError):
    """The change would break a uniqueness rule (e.g. an e-mail address already used)."""


class AuthenticationError(AppError):
    """Credentials or a token are missing, wrong, forged or expired."""


class PermissionDeniedError(AppError):
    """The caller is known but lacks the role for this."""


class DownstreamError(AppError):
    """A service this app depends on answered something unusable."""


class DownstreamUnavailableError(DownstreamError):
    """A service this app depends on could not be reached in time."""


class StartupError(Exception):
    """The app cannot start (bad configuration, unusable database); one line says why."""
