"""``DriftMonitor`` inside example_app under uvicorn, with real HTTP on 127.0.0.1.

The middleware samples live responses and compares them, off the request path, with the
project's committed snapshot (``snapshots/``, recorded from example_app): the careless
release (``example_app.dev.drifted``) drifts and is reported once per cause, example_app
itself never; responses are passed on byte for byte; a full queue drops samples and counts
them; a callback or a snapshot that fails never reaches the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from driftguard import DriftMonitor
from driftguard.report import Report
from example_app.app import create_app
from example_app.dev.drifted import create_drifted_app
from tests.conftest import ROOT
from tests.monitoring.services import SECRET
from tests.servers import serve

SNAPSHOTS = ROOT / "snapshots"
USER = {"email": "ada@example.com", "password": "correct horse battery", "name": "Ada Lovelace"}


@pytest.fixture
def environment(rates_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("RATES_API_URL", rates_url)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "app.db"))


@contextmanager
def monitored(drifted: bool, **options: Any) -> Iterator[tuple[httpx.Client, DriftMonitor]]:
    """The app with a DriftMonitor, served; the client and the monitor uvicorn built."""
    app: FastAPI = create_drifted_app() if drifted else create_app()
    app.add_middleware(DriftMonitor, **{"snapshots": SNAPSHOTS, **options})
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        client.get("/health")  # the first request builds the middleware stack
        monitor = _find_monitor(app)
        yield client, monitor
        monitor.drain()


def _find_monitor(app: FastAPI) -> DriftMonitor:
    layer: Any = app.middleware_stack
    while not isinstance(layer, DriftMonitor):
        layer = layer.app
    return layer


def traffic(client: httpx.Client, rounds: int = 3) -> list[httpx.Response]:
    created = client.post("/users/", json=USER)
    answers = [created]
    for _ in range(rounds):
        answers.append(client.get("/pricing/plans"))
        answers.append(client.get(f"/users/{created.json()['id']}"))
        answers.append(client.get("/health"))
    return answers


def test_the_careless_release_is_reported_once_per_cause(environment: None) -> None:
    reports: list[Report] = []
    with monitored(True, sample=1.0, on_drift=reports.append) as (client, monitor):
        answers = traffic(client, rounds=4)
        assert all(r.status_code < 300 for r in answers)
        monitor.drain()
        first = len(reports)
        user = answers[0].json()["id"]
        for _ in range(3):  # the same drift again: nothing new to say
            client.get("/pricing/plans")
            client.get(f"/users/{user}")
    assert len(reports) == first
    causes = [(c.id, c.findings[0].operation) for r in reports for c in r.causes]
    assert ("response-field-type-changed", "GET /pricing/plans") in causes
    # The rename is one cause, whether POST /users/ or GET /users/{user_id} shows it first.
    renames = [c for r in reports for c in r.causes if c.id == "response-field-renamed"]
    assert len(renames) == 1
    assert renames[0].findings[0].details["to"] == "full_name"
    assert len(causes) == len(set(causes))
    assert monitor.stats["causes"] == len(causes)
    assert monitor.stats["dropped"] == 0


def test_the_app_as_snapshotted_is_never_reported(environment: None) -> None:
    reports: list[Report] = []
    with monitored(False, sample=1.0, on_drift=reports.append) as (client, monitor):
        traffic(client)
    assert reports == []
    assert monitor.stats["compared"] >= 3  # the user, the plans, the health check
    assert monitor.stats["errors"] == 0


def test_responses_pass_through_byte_for_byte(environment: None) -> None:
    def answers(client: httpx.Client) -> list[tuple[int, list[tuple[str, str]], bytes]]:
        got = []
        for path in ("/pricing/plans", "/health", "/users/999", "/openapi.json"):
            response = client.get(path)
            headers = [(k, v) for k, v in response.headers.items() if k != "date"]
            got.append((response.status_code, headers, response.content))
        return got

    plain = create_app()
    with serve(plain) as url, httpx.Client(base_url=url) as client:
        without = answers(client)
    with monitored(False, sample=1.0) as (client, monitor):
        with_monitor = answers(client)
    assert with_monitor == without
    assert monitor.stats["sampled"] >= 4


def test_a_full_queue_drops_samples_and_counts_them(environment: None) -> None:
    release = threading.Event()
    calls = []

    def slow(report: Report) -> None:
        calls.append(report)
        release.wait(30)  # the worker is busy: the queue fills up

    with monitored(True, sample=1.0, on_drift=slow, queue_size=2) as (client, monitor):
        client.get("/pricing/plans")
        for _ in range(30):
            assert client.get("/health").status_code == 200
        release.set()
    assert monitor.stats["dropped"] > 0
    assert monitor.stats["sampled"] == 32


def test_a_failing_callback_is_logged_and_never_reaches_the_app(
    environment: None, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(report: Report) -> None:
        raise RuntimeError("the pager is down")

    with caplog.at_level(logging.WARNING, logger="driftguard.monitor"):
        with monitored(True, sample=1.0, on_drift=broken) as (client, monitor):
            assert client.get("/pricing/plans").status_code == 200
        assert monitor.stats["errors"] == 1
    assert "on_drift callback raised" in caplog.text
    assert "drift in live responses of GET /pricing/plans" in caplog.text


def test_a_missing_snapshot_disables_the_monitor_not_the_app(
    environment: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="driftguard.monitor"),
        monitored(True, sample=1.0, snapshots=tmp_path / "none") as (client, _),
    ):
        for _ in range(3):
            assert client.get("/pricing/plans").status_code == 200
    assert caplog.text.count("monitor disabled") == 1


def test_rates_per_route(environment: None) -> None:
    reports: list[Report] = []
    rates = {"GET /pricing/plans": 1.0, "*": 0.0}
    with monitored(True, sample=rates, on_drift=reports.append) as (client, monitor):
        assert monitor.ready.wait(30)  # the worker has read the snapshot: routes are known
        traffic(client)
    assert [c.findings[0].operation for r in reports for c in r.causes] == ["GET /pricing/plans"]
    assert monitor.stats["sampled"] == 3


def test_sample_zero_compares_nothing(environment: None) -> None:
    with monitored(True, sample=0.0) as (client, monitor):
        traffic(client)
    assert monitor.stats["sampled"] == 0


def test_drift_is_counted_in_prometheus_when_it_is_installed(environment: None) -> None:
    prometheus = pytest.importorskip("prometheus_client")
    before = (
        prometheus.REGISTRY.get_sample_value(
            "driftguard_monitor_drift_total",
            {
                "operation": "GET /pricing/plans",
                "rule": "response-field-type-changed",
                "severity": "breaking",
            },
        )
        or 0.0
    )
    with monitored(True, sample=1.0) as (client, _):
        client.get("/pricing/plans")
    after = prometheus.REGISTRY.get_sample_value(
        "driftguard_monitor_drift_total",
        {
            "operation": "GET /pricing/plans",
            "rule": "response-field-type-changed",
            "severity": "breaking",
        },
    )
    assert after == before + 1
