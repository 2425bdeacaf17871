"""Fixtures of the monitoring tests: the stand-in rates service, example_app under uvicorn
with a snapshot of it, a webhook receiver, and a PostgreSQL server where one can start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from example_app.dev import rates_service
from tests.monitoring.postgres import Unavailable, fresh_database, postgres_server
from tests.monitoring.services import Service, Webhook, webhook
from tests.servers import serve

APP = "example_app.main:app"
DRIFTED = "example_app.dev.drifted:app"


@pytest.fixture(scope="session")
def rates_url() -> Iterator[str]:
    with serve(rates_service.app) as url:
        yield url


@pytest.fixture(scope="session")
def service(rates_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """example_app, deployed; each test deploys what it needs (and leaves example_app)."""
    running = Service(rates_url, tmp_path_factory.mktemp("service") / "app.db")
    running.deploy(APP)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def project(service: Service, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project watching the service: its configuration (the automatic GET probes only,
    since a watcher probes production again and again) and a snapshot of example_app."""
    import driftguard

    root = tmp_path_factory.mktemp("project")
    (root / "driftguard.toml").write_text(
        f'[tool.driftguard]\ntarget = "{service.url}"\nsnapshots = "snapshots"\n'
    )
    assert service.module == APP
    driftguard.snapshot(service.url, snapshots=root / "snapshots")
    return root


@pytest.fixture
def redeployed(service: Service) -> Iterator[Service]:
    """The service, for a test that deploys other releases: example_app again afterwards,
    whatever the test left running, since the session's other tests watch it."""
    try:
        yield service
    finally:
        if service.module != APP or service.process is None:
            service.deploy(APP)


@pytest.fixture
def receiver() -> Iterator[Webhook]:
    with webhook() as received:
        yield received


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    try:
        with postgres_server() as url:
            yield url
    except Unavailable as exc:
        pytest.skip(f"no PostgreSQL server could be started: {exc}")


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh database on the test server, its URL holding the server's password."""
    return fresh_database(postgres_server_url)
