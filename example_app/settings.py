"""Configuration from environment variables, checked once, at start-up.

A service that starts with a wrong setting serves wrong data until someone notices, so
every setting is validated before the app accepts a request and a problem is reported
in one line that names the variable and what is wrong with it (never its value: it may
be a secret). Only two settings are required; the rest have defaults fit for local use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = ["ENVIRONMENT", "Settings", "SettingsError", "load_settings"]

MIN_SECRET_LENGTH = 32  # HS256 keys shorter than the hash output are brute-forceable


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line naming the variable."""


class Settings(BaseModel):
    """What the service needs to know about its environment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    secret_key: Annotated[str, Field(repr=False)]
    rates_api_url: str
    database_path: Path = Path("example_app.db")
    cors_origins: tuple[str, ...] = ()
    rate_limit: Annotated[int, Field(ge=1)] = 100_000
    rate_limit_window_seconds: Annotated[float, Field(gt=0, le=86_400)] = 60.0
    access_token_ttl_seconds: Annotated[int, Field(ge=1, le=7 * 86_400)] = 30 * 60
    rates_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 5.0
    # Where driftguard's recorded shapes of the rates service live; unset: not checked.
    downstream_snapshots: Path | None = None
    downstream_drift: Literal["warn", "raise"] = "warn"

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value.encode()) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} bytes long")
        return value

    @field_validator("rates_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host")
        if parts.query or parts.fragment:
            raise ValueError("must be a base URL without a query or fragment")
        return value.rstrip("/")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if origin == "*":
                continue
            parts = urlsplit(origin)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path
                or parts.query
            ):
                raise ValueError(f"{origin!r} is not an origin like https://shop.example.com")
        return value


# Environment variable -> field. Kept explicit so the names are documented in one place.
ENVIRONMENT: dict[str, str] = {
    "SECRET_KEY": "secret_key",
    "RATES_API_URL": "rates_api_url",
    "DATABASE_PATH": "database_path",
    "CORS_ORIGINS": "cors_origins",
    "RATE_LIMIT": "rate_limit",
    "RATE_LIMIT_WINDOW_SECONDS": "rate_limit_window_seconds",
    "ACCESS_TOKEN_TTL_SECONDS": "access_token_ttl_seconds",
    "RATES_TIMEOUT_SECONDS": "rates_timeout_seconds",
    "DOWNSTREAM_SNAPSHOTS": "downstream_snapshots",
    "DOWNSTREAM_DRIFT": "downstream_drift",
}
_LISTS = {"cors_origins"}
_REQUIRED = {name for name, info in Settings.model_fields.items() if info.is_required()}
_VARIABLE = {field: name for name, field in ENVIRONMENT.items()}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (default: the process environment), or a SettingsError."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, field in ENVIRONMENT.items():
        raw = environ.get(name)
        if raw is None or (raw.strip() == "" and field not in _REQUIRED):
            continue
        if field in _LISTS:
            values[field] = tuple(item.strip() for item in raw.split(",") if item.strip())
        else:
            values[field] = raw.strip()
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    variable = _VARIABLE.get(field, field)
    if error["type"] == "missing":
        return f"{variable}: not set (it is required)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{variable}: {message[:1].lower()}{message[1:]}"
