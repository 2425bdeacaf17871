"""example_app's exchange-rate client with driftguard's downstream recorder around it.

A stub rates service runs under uvicorn on 127.0.0.1; example_app runs in-process with its
lifespan. The shapes are recorded once, then the stub renames a field: in tests the drift
raises, in production the app answers its usual 502 and the log says which field moved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from driftguard.snapshots.downstream import DownstreamDriftError
from driftguard.targets import Target, open_client
from example_app.app import create_app
from example_app.settings import Settings
from tests.servers import serve

QUOTE = "/pricing/quote?plan=pro&seats=3&currency=USD"


@pytest.fixture(scope="module")
def stub() -> Iterator[tuple[str, dict[str, bool]]]:
    behaviour = {"renamed": False}
    app = FastAPI()

    @app.get("/rates/{base}")
    def rates(base: str) -> dict[str, Any]:
        stamp = "updatedAt" if behaviour["renamed"] else "updated_at"
        return {"base": base, "rates": {"USD": 1.085, "GBP": 0.856}, stamp: "2025-01-02T16:00:00Z"}

    with serve(app) as url:
        yield url, behaviour


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DRIFTGUARD_DOWNSTREAM", raising=False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def example_app(url: str, tmp_path: Path, on_drift: str) -> FastAPI:
    settings = Settings(
        secret_key="a-test-secret-key-that-is-long-enough-0123456789",
        rates_api_url=url,
        database_path=tmp_path / "app.db",
        downstream_snapshots=tmp_path / "downstream",
        downstream_drift=on_drift,  # type: ignore[arg-type]
    )
    return create_app(settings)


async def quote(app: FastAPI) -> Any:
    async with open_client(Target("app", "example_app"), app=app) as client:
        return await client.get(QUOTE)


async def record(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTGUARD_DOWNSTREAM", "record")
    response = await quote(example_app(url, tmp_path, "raise"))
    assert response.status_code == 200, response.text
    monkeypatch.delenv("DRIFTGUARD_DOWNSTREAM")
    assert (tmp_path / "downstream" / "rates" / "get-rates-base.json").is_file()


@pytest.mark.anyio
async def test_a_renamed_downstream_field_fails_a_test(
    stub: tuple[str, dict[str, bool]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = stub
    behaviour["renamed"] = False
    await record(url, tmp_path, monkeypatch)
    assert (await quote(example_app(url, tmp_path, "raise"))).status_code == 200  # no drift
    behaviour["renamed"] = True
    try:
        with pytest.raises(DownstreamDriftError) as caught:
            await quote(example_app(url, tmp_path, "raise"))
    finally:
        behaviour["renamed"] = False
    [finding] = caught.value.report.findings
    assert finding.id == "response-field-renamed"
    assert (finding.details["from"], finding.details["to"]) == ("updated_at", "updatedAt")
    assert finding.operation == "GET /rates/{base}"


@pytest.mark.anyio
async def test_in_production_the_drift_is_logged_beside_the_502(
    stub: tuple[str, dict[str, bool]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, behaviour = stub
    behaviour["renamed"] = False
    await record(url, tmp_path, monkeypatch)
    behaviour["renamed"] = True
    try:
        with caplog.at_level(logging.WARNING, logger="driftguard.downstream"):
            response = await quote(example_app(url, tmp_path, "warn"))
    finally:
        behaviour["renamed"] = False
    assert response.status_code == 502  # the app's own handling of a body it cannot use
    [message] = [r.getMessage() for r in caplog.records if r.name == "driftguard.downstream"]
    assert "rates/get-rates-base" in message
    assert "updated_at -> updatedAt (renamed)" in message
