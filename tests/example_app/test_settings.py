"""Settings from the environment: defaults, every kind of bad value, and start-up refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from example_app.app import create_app
from example_app.settings import Settings, SettingsError, load_settings
from tests.example_app.running import StartupFailed, running

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"SECRET_KEY": "k" * 32, "RATES_API_URL": "https://rates.example/v1/"}


def test_only_two_settings_are_required() -> None:
    settings = load_settings(GOOD)
    assert settings.rates_api_url == "https://rates.example/v1"  # trailing slash dropped
    assert settings.database_path == Path("example_app.db")
    assert settings.cors_origins == ()
    assert settings.rate_limit >= 10_000  # high: fuzzing must not be throttled
    assert settings.access_token_ttl_seconds == 1800


def test_every_setting_is_read_from_its_variable(tmp_path: Path) -> None:
    settings = load_settings(
        {
            **GOOD,
            "DATABASE_PATH": str(tmp_path / "shop.db"),
            "CORS_ORIGINS": "https://shop.example, http://localhost:3000",
            "RATE_LIMIT": "5",
            "RATE_LIMIT_WINDOW_SECONDS": "2.5",
            "ACCESS_TOKEN_TTL_SECONDS": "60",
            "RATES_TIMEOUT_SECONDS": "0.5",
        }
    )
    assert settings.database_path == tmp_path / "shop.db"
    assert settings.cors_origins == ("https://shop.example", "http://localhost:3000")
    assert (settings.rate_limit, settings.rate_limit_window_seconds) == (5, 2.5)
    assert settings.access_token_ttl_seconds == 60
    assert settings.rates_timeout_seconds == 0.5


def test_empty_optional_variable_means_the_default() -> None:
    assert load_settings({**GOOD, "RATE_LIMIT": "", "CORS_ORIGINS": " "}).rate_limit == 100_000


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"RATES_API_URL": "https://r.example"}, "SECRET_KEY: not set (it is required)"),
        ({"SECRET_KEY": "k" * 32}, "RATES_API_URL: not set (it is required)"),
        ({**GOOD, "SECRET_KEY": "short"}, "SECRET_KEY: must be at least 32 bytes long"),
        ({**GOOD, "SECRET_KEY": ""}, "SECRET_KEY: must be at least 32 bytes long"),
        ({**GOOD, "RATES_API_URL": "rates.example"}, "RATES_API_URL: must be an http:// or"),
        ({**GOOD, "RATES_API_URL": "ftp://rates.example"}, "RATES_API_URL: must be an http://"),
        ({**GOOD, "RATES_API_URL": "https://r.example/?k=1"}, "RATES_API_URL: must be a base URL"),
        ({**GOOD, "RATE_LIMIT": "lots"}, "RATE_LIMIT: input should be a valid integer"),
        ({**GOOD, "RATE_LIMIT": "0"}, "RATE_LIMIT: input should be greater than or equal to 1"),
        ({**GOOD, "RATE_LIMIT_WINDOW_SECONDS": "-1"}, "RATE_LIMIT_WINDOW_SECONDS: input should"),
        ({**GOOD, "ACCESS_TOKEN_TTL_SECONDS": "1.5"}, "ACCESS_TOKEN_TTL_SECONDS: input should"),
        ({**GOOD, "RATES_TIMEOUT_SECONDS": "nan"}, "RATES_TIMEOUT_SECONDS: input should"),
        ({**GOOD, "CORS_ORIGINS": "shop.example"}, "CORS_ORIGINS: 'shop.example' is not an origin"),
        ({**GOOD, "CORS_ORIGINS": "https://a.example/path"}, "CORS_ORIGINS: 'https://a.example"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_secret_value_never_appears_in_errors_or_repr() -> None:
    secret = "hunter2-but-short"
    with pytest.raises(SettingsError) as raised:
        load_settings({**GOOD, "SECRET_KEY": secret})
    assert secret not in str(raised.value)
    assert "k" * 32 not in repr(load_settings(GOOD))


def test_settings_are_immutable() -> None:
    settings = load_settings(GOOD)
    with pytest.raises(ValueError, match="frozen"):
        settings.rate_limit = 1  # type: ignore[misc]


@pytest.mark.anyio
async def test_app_without_settings_builds_but_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RATES_API_URL", "http://127.0.0.1:1")
    app = create_app()
    assert "/users/" in app.openapi()["paths"]  # tools can still read the contract
    with pytest.raises(StartupFailed) as failed:
        async with running(app):
            pass
    assert (
        str(failed.value)
        == "example_app: invalid configuration: SECRET_KEY: not set (it is required)"
    )


@pytest.mark.anyio
async def test_unusable_database_path_refuses_to_start(tmp_path: Path) -> None:
    settings = Settings(
        secret_key="k" * 32,
        rates_api_url="http://127.0.0.1:1",
        database_path=tmp_path / "missing-directory" / "app.db",
    )
    with pytest.raises(StartupFailed) as failed:
        async with running(create_app(settings)):
            pass
    message = str(failed.value)
    assert message.startswith("example_app: cannot open the database")
    assert "(DATABASE_PATH)" in message
    assert "\n" not in message


def test_uvicorn_stops_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "RATES_API_URL")
    }
    environ.update(RATES_API_URL="http://127.0.0.1:1", DATABASE_PATH=str(tmp_path / "x.db"))
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "example_app.main:app", "--port", "0"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert (
        "example_app: invalid configuration: SECRET_KEY: not set (it is required)" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.db").exists()
