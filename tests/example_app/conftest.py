"""Fixtures for example_app: settings, a started app, clients, users, providers, a seeded db.

Every test gets its own SQLite file under ``tmp_path`` (never a mock of the data layer),
so tests are independent under pytest-xdist. Only the outside providers (e-mail,
fulfilment) are replaced, by mocks the tests inspect; the exchange-rate service is a
real stub server on 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from unittest.mock import Mock

import httpx
import pytest
from fastapi import FastAPI

from example_app.api.dependencies import get_email_provider, get_fulfillment_provider
from example_app.app import create_app
from example_app.clients.email import LoggingEmailProvider
from example_app.clients.fulfillment import LoggingFulfillmentProvider
from example_app.db.engine import Database
from example_app.services import passwords
from example_app.settings import Settings
from tests.example_app.running import in_process_client
from tests.example_app.seed import SeededDatabase, seed_database
from tests.example_app.stubs import rates_stub
from tests.servers import serve

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def refused_url() -> Iterator[str]:
    """A URL on 127.0.0.1 where nothing listens: the port is held, so no one else takes it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="session")
def rates_server() -> Iterator[str]:
    """The stub exchange-rate service's base URL (append a mode: ``/ok``, ``/down``...)."""
    with serve(rates_stub()) as url:
        yield url


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    return tmp_path / "example_app.db"


@pytest.fixture
def settings(database_path: Path, refused_url: str) -> Settings:
    """Valid settings; downstream calls fail unless a test points them at the stub."""
    return Settings(
        secret_key=SECRET,
        rates_api_url=refused_url,
        database_path=database_path,
        rates_timeout_seconds=2.0,
    )


@pytest.fixture
def email_provider() -> Mock:
    return Mock(spec=LoggingEmailProvider)


@pytest.fixture
def fulfillment_provider() -> Mock:
    return Mock(spec=LoggingFulfillmentProvider)


@pytest.fixture
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap scrypt for API tests (as Django test settings pick a fast hasher).

    The real cost is covered by test_security.py; here hashing is only a step on the way,
    and at full cost it would be most of the suite's run time.
    """
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**8)


@pytest.fixture
def app(
    settings: Settings,
    email_provider: Mock,
    fulfillment_provider: Mock,
    fast_password_hashing: None,
) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_email_provider] = lambda: email_provider
    app.dependency_overrides[get_fulfillment_provider] = lambda: fulfillment_provider
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_client(app) as client:
        yield client


async def sign_up(
    client: httpx.AsyncClient, email: str, *, password: str = PASSWORD, name: str | None = None
) -> dict[str, str]:
    """Register ``email`` and log in; the Authorization header for that user."""
    body = {"email": email, "password": password, **({"name": name} if name else {})}
    created = await client.post("/users/", json=body)
    assert created.status_code == 201, created.text
    return await log_in(client, email, password=password)


async def log_in(
    client: httpx.AsyncClient, email: str, *, password: str = PASSWORD
) -> dict[str, str]:
    response = await client.post("/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def make_admin(settings: Settings, email: str) -> None:
    """Promote through the service the operator command uses, on the app's own file."""
    from example_app.services.users import promote_to_admin

    database = Database(settings.database_path)
    try:
        with database.writer() as session:
            promote_to_admin(session, email)
    finally:
        database.close()


@pytest.fixture
async def auth_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_up(client, "ann@example.com", name="Ann")


@pytest.fixture
async def admin_headers(client: httpx.AsyncClient, settings: Settings) -> dict[str, str]:
    await sign_up(client, "root@example.com")
    make_admin(settings, "root@example.com")
    return await log_in(client, "root@example.com")


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> SeededDatabase:
    """A production-like database, built once per worker and copied for each test."""
    return seed_database(tmp_path_factory.mktemp("seeded") / "production.db")


@pytest.fixture
def seeded(seeded_template: SeededDatabase, database_path: Path) -> SeededDatabase:
    """A private copy of the production-like database at the test's DATABASE_PATH."""
    return seeded_template.copy_to(database_path)
