"""The watch loop as a process: it runs every --every until SIGTERM or SIGINT, which end it
cleanly (exit code 0, no traceback) after the run in progress has been recorded."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from driftguard.monitoring.history import open_history
from tests.conftest import ROOT
from tests.monitoring.services import Service
from tests.servers import serve


def start_watch(project: Path, target: str, history: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "driftguard.cli",
            "watch",
            target,
            "--every",
            "1s",
            "--history",
            str(history),
            "--config",
            str(project / "driftguard.toml"),
        ],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_loop_runs_every_interval_and_a_signal_ends_it_cleanly(
    service: Service, project: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    history = tmp_path / "loop.db"
    watcher = start_watch(project, service.url, history)
    try:
        wait_for(lambda: history.exists() and len(open_history(str(history)).runs()) >= 2)
        watcher.send_signal(sig)
        out, err = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0, err
    assert f"{sig.name}: stopping after the run in progress" in err
    assert "Traceback" not in err
    runs = open_history(str(history)).runs()
    assert out.count("no drift;") == len(runs) >= 2
    starts = [time.mktime(time.strptime(r.started, "%Y-%m-%dT%H:%M:%SZ")) for r in runs]
    assert all(b - a >= 1 for a, b in itertools.pairwise(starts))


@pytest.fixture
def slow_service(project: Path) -> Iterator[tuple[str, threading.Event]]:
    """A service whose OpenAPI document takes two seconds: a run is in progress for that long."""
    asked = threading.Event()
    document = json.loads((project / "snapshots" / "openapi.json").read_text())
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    def openapi() -> JSONResponse:
        asked.set()
        time.sleep(2)
        return JSONResponse(document)

    with serve(app) as url:
        yield url, asked


def test_sigterm_during_a_run_lets_it_finish_and_be_recorded(
    project: Path, tmp_path: Path, slow_service: tuple[str, threading.Event]
) -> None:
    url, asked = slow_service
    history = tmp_path / "slow.db"
    watcher = start_watch(project, url, history)
    try:
        assert asked.wait(60)
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()
    assert watcher.returncode == 0, err
    (run,) = open_history(str(history)).runs()  # the run in progress, whole; no other
    assert run.target == url
    assert run.seconds >= 2
    assert out.count(f" {url}: ") == 1
