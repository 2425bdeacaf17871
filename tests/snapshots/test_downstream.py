"""Downstream drift: a stub exchange-rate service on 127.0.0.1 changes, the recorder notices."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.responses import PlainTextResponse

from driftguard import UsageError
from driftguard.snapshots.downstream import DownstreamDriftError, DriftRecorder
from driftguard.snapshots.store import read_record
from tests.servers import serve


def rates_stub() -> tuple[FastAPI, dict[str, Any]]:
    behaviour: dict[str, Any] = {
        "renamed": False,
        "fail": False,
        "extra": False,
        "rates": {"USD": 1.08, "GBP": 0.85},
    }
    app = FastAPI()

    @app.get("/rates/{base}")
    def rates(base: str) -> dict[str, Any]:
        if behaviour["fail"]:
            raise HTTPException(503, "maintenance")
        key = "exchange_rates" if behaviour["renamed"] else "rates"
        body = {
            "base": base,
            key: behaviour["rates"],
            "updated_at": datetime.now(UTC).isoformat(),
        }
        if behaviour["extra"]:
            body["source"] = "ECB"
        return body

    @app.get("/health", response_class=PlainTextResponse)
    def health() -> str:
        return "ok"

    return app, behaviour


@pytest.fixture(scope="module")
def _server() -> Iterator[tuple[str, dict[str, Any]]]:
    app, behaviour = rates_stub()
    with serve(app) as url:
        yield url, behaviour


@pytest.fixture
def stub(_server: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """One server for the module; each test starts from the normal behaviour."""
    url, behaviour = _server
    behaviour.update(renamed=False, fail=False, extra=False, rates={"USD": 1.08, "GBP": 0.85})
    return url, behaviour


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DRIFTGUARD_DOWNSTREAM", raising=False)


def recorder(tmp_path: Path, **kwargs: Any) -> DriftRecorder:
    return DriftRecorder(tmp_path, service="rates", routes=["GET /rates/{base}"], **kwargs)


async def fetch(url: str, rec: DriftRecorder, path: str = "/rates/EUR") -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, transport=rec.transport()) as client:
        return await client.get(path)


@pytest.fixture
def recorded(stub: tuple[str, dict[str, Any]], tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """The stub's normal answer recorded under tmp_path: what each test then drifts from."""
    url, _ = stub
    with httpx.Client(
        base_url=url, transport=recorder(tmp_path, mode="record").sync_transport()
    ) as client:
        client.get("/rates/EUR")
    return stub


@pytest.mark.anyio
async def test_record_then_detect_a_renamed_field(
    stub: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, behaviour = stub
    await fetch(url, recorder(tmp_path, mode="record"))
    record = read_record(tmp_path / "rates" / "get-rates-base.json")
    assert record.shape is not None
    assert set(record.shape.fields) == {"base", "rates", "updated_at"}

    checking = recorder(tmp_path, on_drift="raise")
    response = await fetch(url, checking, "/rates/USD")  # another base, another time: same shape
    assert response.json()["base"] == "USD"

    behaviour["renamed"] = True
    with pytest.raises(DownstreamDriftError) as caught:
        await fetch(url, checking)
    [finding] = caught.value.report.findings
    assert finding.id == "response-field-renamed"
    assert (finding.details["from"], finding.details["to"]) == ("rates", "exchange_rates")
    assert finding.operation == "GET /rates/{base}"
    assert finding.details["probe"] == "rates/get-rates-base"
    assert "rates -> exchange_rates" in str(caught.value)


@pytest.mark.anyio
async def test_in_production_drift_is_a_warning_and_the_response_is_untouched(
    recorded: tuple[str, dict[str, Any]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, behaviour = recorded
    behaviour["renamed"] = True
    warning = recorder(tmp_path, on_drift="warn")
    with caplog.at_level(logging.WARNING, logger="driftguard.downstream"):
        first = await fetch(url, warning)
        await fetch(url, warning)
    assert "exchange_rates" in first.json()
    messages = [r.getMessage() for r in caplog.records if r.name == "driftguard.downstream"]
    assert len(messages) == 1  # the same drift is logged once, not per request
    assert "rates -> exchange_rates (renamed)" in messages[0]


@pytest.mark.anyio
async def test_failures_and_other_media_types_are_not_shapes(
    recorded: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, behaviour = recorded
    behaviour["fail"] = True
    checking = recorder(tmp_path, on_drift="raise")
    assert (await fetch(url, checking)).status_code == 503
    assert (await fetch(url, checking, "/health")).text == "ok"


@pytest.mark.anyio
async def test_an_added_field_is_not_drift_by_default(
    recorded: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, behaviour = recorded
    behaviour["extra"] = True
    assert (await fetch(url, recorder(tmp_path, on_drift="raise"))).json()["source"] == "ECB"
    with pytest.raises(DownstreamDriftError, match=r"new field \$\.source"):
        await fetch(url, recorder(tmp_path, on_drift="raise", fail_on="info"))


@pytest.mark.anyio
async def test_a_missing_record(stub: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    url, _ = stub
    with pytest.raises(DownstreamDriftError, match="no recorded shape for rates/get-rates-base"):
        await fetch(url, recorder(tmp_path, mode="check", on_drift="raise"))
    assert not (tmp_path / "rates").exists()


@pytest.mark.anyio
async def test_auto_mode_records_once_but_never_under_ci(
    stub: tuple[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = stub
    monkeypatch.setenv("CI", "true")
    with pytest.raises(DownstreamDriftError, match="CI is set"):
        await fetch(url, recorder(tmp_path, mode="auto", on_drift="raise"))
    assert not (tmp_path / "rates").exists()
    monkeypatch.delenv("CI")
    monkeypatch.setenv("DRIFTGUARD_DOWNSTREAM", "auto")
    auto = recorder(tmp_path, on_drift="raise")
    await fetch(url, auto)
    assert (tmp_path / "rates" / "get-rates-base.json").exists()
    behaviour["renamed"] = True
    with pytest.raises(DownstreamDriftError):
        await fetch(url, auto)


def test_the_sync_transport(recorded: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    url, behaviour = recorded  # recorded through the sync transport, too
    behaviour["renamed"] = True
    checking = recorder(tmp_path, on_drift="raise")
    with (
        httpx.Client(base_url=url, transport=checking.sync_transport()) as client,
        pytest.raises(DownstreamDriftError),
    ):
        client.get("/rates/EUR")


def test_unrouted_paths_generalise_ids(tmp_path: Path) -> None:
    rec = DriftRecorder(tmp_path, service="users")
    assert rec.route("GET", "/users/42/orders/6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11") == (
        "get-users-id-orders-id",
        "GET /users/{id}/orders/{id}",
    )


def test_bad_settings_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="mode 'sometimes'"):
        DriftRecorder(tmp_path, service="x", mode="sometimes")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="file-name-safe"):
        DriftRecorder(tmp_path, service="../x")
    with pytest.raises(UsageError, match="route"):
        DriftRecorder(tmp_path, service="x", routes=["rates"])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_rates_keyed_by_currency_are_a_map(
    recorded: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    url, behaviour = recorded
    stored = read_record(tmp_path / "rates" / "get-rates-base.json").shape
    assert stored is not None
    assert stored.fields["rates"].to_dict() == {
        "type": "object",
        "additionalProperties": {"type": "number", "example": 0.85},
    }
    checking = recorder(tmp_path, on_drift="raise")
    behaviour["rates"] = {"JPY": 162.3, "CHF": 0.95, "SEK": 11.4}  # other keys: no drift
    assert (await fetch(url, checking)).status_code == 200
    behaviour["rates"] = {"JPY": "162.30"}  # the values changed type: drift
    with pytest.raises(DownstreamDriftError) as caught:
        await fetch(url, checking)
    [finding] = caught.value.report.findings
    assert (finding.id, finding.details["path"]) == ("response-field-type-changed", "$.rates.*")
