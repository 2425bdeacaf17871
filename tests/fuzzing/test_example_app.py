"""example_app is clean under `driftguard fuzz` at default settings, with and without a login.

The app runs in-process on its own SQLite file, its exchange-rate service is the stub of
tests/example_app served on 127.0.0.1 (a down service is answered with a documented 503,
which is still a server error to a client, so the service is up here).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from driftguard import fuzz
from driftguard._asgi import lifespan
from example_app.app import create_app
from example_app.settings import Settings
from tests.example_app.stubs import rates_stub
from tests.servers import serve

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def rates_url() -> Iterator[str]:
    with serve(rates_stub()) as url:
        yield f"{url}/ok"


def example_app(tmp_path: Path, rates_url: str) -> FastAPI:
    settings = Settings(
        secret_key="fuzzing-secret-key-that-is-long-enough-0123456789",
        rates_api_url=rates_url,
        database_path=tmp_path / "example_app.db",
    )
    return create_app(settings)


def token_for(app: FastAPI, email: str) -> str:
    async def sign_up_and_log_in() -> str:
        transport = httpx.ASGITransport(app=app)
        async with lifespan(app), httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            created = await c.post("/users/", json={"email": email, "password": PASSWORD})
            assert created.status_code == 201, created.text
            answer = await c.post("/token", data={"username": email, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return str(answer.json()["access_token"])

    return asyncio.run(sign_up_and_log_in())


@pytest.mark.slow
def test_example_app_is_clean_at_default_settings(tmp_path: Path, rates_url: str) -> None:
    report = fuzz(example_app(tmp_path, rates_url), seed=20240601)
    assert report.findings == [], report.to_json()
    assert len(report.run.operations) >= 10
    # without a login the protected operations only ever refuse, and the report says so
    assert report.run.successes["GET /profile"] == 0
    assert any("never answered 2xx: " in note for note in report.run.notes)
    # users created anonymously were read back, one by one and listed: nothing broke
    assert any(note.startswith("stateful checks: ") for note in report.run.notes)


@pytest.mark.slow
def test_example_app_is_clean_when_logged_in(tmp_path: Path, rates_url: str) -> None:
    app = example_app(tmp_path, rates_url)
    token = token_for(app, "fuzzer@example.com")
    # the login too: its password flow declares no scope and grants none it is asked for
    login = {"username": "fuzzer@example.com", "password": PASSWORD}
    report = fuzz(app, seed=20240602, headers={"Authorization": f"Bearer {token}"}, login=login)
    assert report.findings == [], report.to_json()
    assert not [note for note in report.run.notes if "password flow" in note]
    successes = report.run.successes
    assert successes["GET /profile"] > 0
    assert successes["POST /orders/"] > 0
    # the orders created were read back through GET /orders/{order_id}: nothing broke
    assert any(note.startswith("stateful checks: ") for note in report.run.notes)
    assert token not in report.to_json()


@pytest.mark.slow
def test_example_app_is_clean_served_by_uvicorn_when_logged_in(
    tmp_path: Path, rates_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn imports example_app.main:app, which reads its settings from the environment;
    # the user signs up in-process on the same SQLite file first
    secret = "fuzzing-secret-key-that-is-long-enough-0123456789"
    database = tmp_path / "example_app.db"
    for name, value in {
        "SECRET_KEY": secret,
        "RATES_API_URL": rates_url,
        "DATABASE_PATH": str(database),
    }.items():
        monkeypatch.setenv(name, value)
    token = token_for(example_app(tmp_path, rates_url), "served@example.com")
    login = {"username": "served@example.com", "password": PASSWORD}
    report = fuzz(
        "example_app.main:app",
        seed=20240603,
        serve=True,
        headers={"Authorization": f"Bearer {token}"},
        login=login,
    )
    assert report.findings == [], report.to_json()
    assert report.run.successes["GET /profile"] > 0
    assert any(
        note.startswith("served by uvicorn example_app.main:app") for note in report.run.notes
    )
