"""A downstream call with no record yet: recorded outside CI, a failure in CI; records found
beside the configuration from any current directory. Over real HTTP and in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from driftguard.snapshots.downstream import DownstreamDriftError, DriftRecorder
from driftguard.snapshots.store import read_record
from tests.servers import serve

RECORD = Path("downstream") / "rates" / "get-rates-base.json"


def rates_service() -> tuple[FastAPI, dict[str, bool]]:
    behaviour = {"renamed": False}
    app = FastAPI()

    @app.get("/rates/{base}")
    def rates(base: str) -> dict[str, Any]:
        key = "exchange_rates" if behaviour["renamed"] else "rates"
        return {"base": base, key: {"USD": 1.08}, "access_token": "secret-value-123"}

    return app, behaviour


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project configured to keep snapshots in ``snaps/``, the test run from its tests/."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DRIFTGUARD_DOWNSTREAM", raising=False)
    (tmp_path / "pyproject.toml").write_text('[tool.driftguard]\nsnapshots = "snaps"\n')
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path / "tests")
    return tmp_path


@pytest.fixture
def service() -> Iterator[tuple[str, dict[str, bool]]]:
    app, behaviour = rates_service()
    with serve(app) as url:
        yield url, behaviour


def recorder(directory: str | None = None) -> DriftRecorder:
    return DriftRecorder(directory, service="rates", routes=["GET /rates/{base}"], on_drift="raise")


def get(url: str, rec: DriftRecorder, inner: httpx.BaseTransport | None = None) -> httpx.Response:
    with httpx.Client(base_url=url, transport=rec.sync_transport(inner)) as client:
        return client.get("/rates/EUR")


def test_a_missing_record_is_recorded_then_compared_over_http(
    project: Path, service: tuple[str, dict[str, bool]]
) -> None:
    url, behaviour = service
    assert get(url, recorder()).json()["base"] == "EUR"  # no record yet: recorded, no error
    path = project / "snaps" / RECORD  # <snapshots>/downstream, beside the configuration
    record = read_record(path)
    assert record.shape is not None
    assert set(record.shape.fields) == {"base", "rates", "access_token"}
    assert "secret-value-123" not in path.read_text()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary left
    behaviour["renamed"] = True
    with pytest.raises(DownstreamDriftError, match="rates -> exchange_rates"):
        get(url, recorder())


@pytest.mark.anyio
async def test_in_ci_a_missing_record_fails_and_says_how_to_create_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = rates_service()
    monkeypatch.setenv("CI", "true")
    rec = recorder("recorded")  # relative to the configuration's directory
    path = project / "recorded" / "rates" / "get-rates-base.json"

    async def call() -> httpx.Response:
        transport = rec.transport(httpx.ASGITransport(app=app))
        async with httpx.AsyncClient(base_url="http://rates", transport=transport) as client:
            return await client.get("/rates/EUR")

    with pytest.raises(DownstreamDriftError) as caught:
        await call()
    assert str(caught.value) == (
        f"no recorded shape for rates/get-rates-base at {path} (CI is set, so nothing is "
        "recorded: run once outside CI (or with DRIFTGUARD_DOWNSTREAM=record) to record it, "
        "review it and commit it)"
    )
    assert not (project / "recorded").exists()
    monkeypatch.delenv("CI")
    assert (await call()).status_code == 200
    assert read_record(path).status == 200


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
