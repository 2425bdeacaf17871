"""``check`` against a live service that misbehaves: a report, never a dead run.

A probe's 500 makes uvicorn drop the kept-alive connection; a server trickles its answer a
byte at a time. Either way the run ends with a report, on time, and says what happened.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from driftguard import Config, check, snapshot
from driftguard.cli import main
from tests.servers import serve

PROBES = [
    {"name": "a-crash", "path": "/boom"},
    {"name": "b-after-the-crash", "path": "/ok"},
    {"name": "c-crash-again", "path": "/boom"},
    {"name": "d-last", "path": "/ok"},
]


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def crashing_service() -> FastAPI:
    app = FastAPI(title="crashes")

    @app.get("/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("the handler crashed")

    @app.get("/ok")
    def ok() -> dict[str, int]:
        return {"ok": 1}

    return app


def test_check_survives_a_probe_that_makes_the_server_drop_the_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "driftguard.toml").write_text(
        "auto_probes = false\n"
        + "".join(f'[[probes]]\nname = "{p["name"]}"\npath = "{p["path"]}"\n' for p in PROBES)
    )
    with serve(crashing_service()) as url:
        config = ["--config", str(tmp_path / "driftguard.toml"), "--dir", str(tmp_path / "s")]
        assert main(["snapshot", url, *config]) == 0
        code = main(["check", url, *config, "--format", "json"])
    out, err = capsys.readouterr()
    assert "error:" not in err
    assert code == 0, err
    report = json.loads(out[out.index("{") :])  # after the snapshot command's lines
    assert report["run"]["notes"][0].endswith("4 probe(s) sent to " + url + ", 4 compared")
    assert report["findings"] == []


def trickling_service(state: dict[str, bool]) -> FastAPI:
    app = FastAPI(title="trickles")

    @app.get("/slow", response_model=None)
    async def slow() -> Any:
        if not state["slow"]:
            return {"n": 1}

        async def body() -> Any:
            yield b'{"n": '
            for _ in range(60):
                await asyncio.sleep(0.25)
                yield b" "
            yield b"1}"

        return StreamingResponse(body(), media_type="application/json")

    return app


def test_the_timeout_bounds_a_whole_probe_and_a_late_one_is_a_finding(tmp_path: Path) -> None:
    state = {"slow": False}
    config = Config.model_validate(
        {"auto_probes": False, "timeout": 1.0, "probes": [{"name": "slow", "path": "/slow"}]}
    )
    with serve(trickling_service(state)) as url:
        snapshot(url, snapshots=tmp_path, config=config)
        state["slow"] = True
        started = time.monotonic()
        report = check(url, snapshots=tmp_path, config=config)
        took = time.monotonic() - started
    assert took < 4, took  # the body alone would take 15 s
    (finding,) = report.findings
    assert finding.id == "response-status-changed"
    assert "nothing (no answer within 1s)" in finding.message
    assert any("slow (GET /slow) got no answer" in note for note in report.run.notes)
