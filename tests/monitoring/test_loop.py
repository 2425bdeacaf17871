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
from collections.abc import Callable, Iterator
from pathlib import Path

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


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def signalled(
    watcher: subprocess.Popen[str], sig: signal.Signals, ready: Callable[[], bool]
) -> tuple[str, str]:
    """Send ``sig`` once ``ready()``; what the watcher printed until it ended."""
    try:
        wait_for(ready)
        watcher.send_signal(sig)
        return watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.communicate()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_loop_runs_every_interval_and_a_signal_ends_it_cleanly(
    service: Service, project: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    history = tmp_path / "loop.db"
    watcher = start_watch(project, service.url, history)
    out, err = signalled(
        watcher, sig, lambda: history.exists() and len(open_history(str(history)).runs()) >= 2
    )
    assert watcher.returncode == 0, err
    assert f"{sig.name}: stopping after the run in progress" in err
    assert "Traceback" not in err
    runs = open_history(str(history)).runs()
    assert out.count("no drift;") == len(runs) >= 2
    starts = [time.mktime(time.strptime(r.started, "%Y-%m-%dT%H:%M:%SZ")) for r in runs]
    assert all(b - a >= 1 for a, b in itertools.pairwise(starts))


@pytest.fixture
def slow_service(project: Path) -> Iterator[tuple[str, threading.Event]]:
    """A service whose OpenAPI document takes a second: a run is in progress for that long."""
    asked = threading.Event()
    document = json.loads((project / "snapshots" / "openapi.json").read_text())
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    def openapi() -> JSONResponse:
        asked.set()
        time.sleep(1)
        return JSONResponse(document)

    with serve(app) as url:
        yield url, asked


def test_sigterm_during_a_run_lets_it_finish_and_be_recorded(
    project: Path, tmp_path: Path, slow_service: tuple[str, threading.Event]
) -> None:
    url, asked = slow_service
    history = tmp_path / "slow.db"
    watcher = start_watch(project, url, history)
    out, err = signalled(watcher, signal.SIGTERM, asked.is_set)
    assert watcher.returncode == 0, err
    (run,) = open_history(str(history)).runs()  # the run in progress, whole; no other
    assert run.target == url
    assert run.seconds >= 1
    assert out.count(f" {url}: ") == 1


def test_a_run_that_fails_after_the_first_is_logged_and_the_loop_goes_on(
    service: Service, project: Path, tmp_path: Path
) -> None:
    history = tmp_path / "flaky.db"
    watcher = start_watch(project, service.url, history)

    def runs() -> int:
        return len(open_history(str(history)).runs()) if history.exists() else 0

    try:
        wait_for(lambda: runs() >= 1)
        history.write_bytes(b"not a database any more\n" * 200)  # the database is lost
        time.sleep(2.5)  # a run or two fail meanwhile
        history.unlink()  # and it is back, empty
    except BaseException:
        watcher.kill()
        watcher.communicate()
        raise
    _, err = signalled(watcher, signal.SIGTERM, lambda: runs() >= 1)
    assert watcher.returncode == 0, err
    assert "run failed: history" in err
    assert "DatabaseError: file is not a database" in err
    assert "Traceback" not in err


def test_the_interval_and_the_history_can_come_from_the_configuration(
    service: Service, project: Path, tmp_path: Path
) -> None:
    # no --every (its default is 5m) and no --history: [tool.driftguard.watch] says both
    config = tmp_path / "driftguard.toml"
    config.write_text(
        (project / "driftguard.toml")
        .read_text(encoding="utf-8")
        .replace('snapshots = "snapshots"', f'snapshots = "{project / "snapshots"}"')
        + '[tool.driftguard.watch]\nevery = "1s"\nhistory = "loop.db"\n',
        encoding="utf-8",
    )
    history = tmp_path / "loop.db"
    watcher = subprocess.Popen(
        [sys.executable, "-m", "driftguard.cli", "watch", "--config", str(config)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = signalled(
        watcher,
        signal.SIGTERM,
        lambda: history.exists() and len(open_history(str(history)).runs()) >= 2,
    )
    assert watcher.returncode == 0, err
    assert out.count("no drift") >= 2, out
