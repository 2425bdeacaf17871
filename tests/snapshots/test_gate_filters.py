"""Endpoint filters on ``check``: probes outside them are not replayed, nor reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException, Request

import driftguard
from driftguard import Config, UsageError
from tests.servers import serve
from tests.snapshots.apps import v2_app

V1 = "tests.snapshots.apps:v1_app"
V2 = "tests.snapshots.apps:v2_app"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def snaps(tmp_path: Path) -> Path:
    driftguard.snapshot(V1, snapshots=tmp_path / "snaps")
    return tmp_path / "snaps"


def _operations(report: driftguard.Report) -> set[str]:
    """The operations findings were reported on. Findings about the whole API (the version
    was not bumped for these changes) are kept by path patterns, and not counted here."""
    return {f.operation for f in report.findings if f.operation is not None}


def test_only_probes_in_scope_are_replayed_and_reported(snaps: Path) -> None:
    everything = driftguard.check(V2, snapshots=snaps)
    assert _operations(everything) == {"GET /orders", "GET /orders/{order_id}"}

    report = driftguard.check(V2, snapshots=snaps, match_path=r"^/orders/\{")
    assert _operations(report) == {"GET /orders/{order_id}"}
    assert {f.source for f in report.findings} == {"schema", "response"}
    assert report.run.notes[0] == f"1 probe(s) sent to {V2}, 1 compared"
    assert "endpoint filter: 3 of 4 probe(s) outside it not replayed" in report.run.notes
    assert report.run.notes[-1].startswith(
        "endpoint filter (path matching '^/orders/\\{'): 1 of 4 operations kept"
    )
    assert report.run.operations == ["GET /orders/{order_id}"]


def test_exclude_path_from_the_configuration(snaps: Path) -> None:
    config = Config.model_validate({"exclude_path": ["^/orders"]})
    report = driftguard.check(V2, snapshots=snaps, config=config)
    assert _operations(report) == set()
    assert report.run.notes[0] == f"2 probe(s) sent to {V2}, 2 compared"  # health, missing


def test_an_update_keeps_the_records_of_probes_it_did_not_send(snaps: Path) -> None:
    responses = snaps / "responses"
    before = {path.name: path.read_text() for path in responses.glob("*.json")}
    driftguard.check(V2, snapshots=snaps, match_path=[r"^/orders/\{"], update=True)
    after = {path.name: path.read_text() for path in responses.glob("*.json")}
    assert set(after) == set(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"get-orders-order_id.json"}
    # the document is recorded whole: what was outside the filter is the baseline now too
    again = driftguard.check(V2, snapshots=snaps)
    assert _operations(again) == {"GET /orders"}
    assert {f.source for f in again.findings} == {"response"}


def test_a_filter_that_keeps_nothing_is_refused_before_any_probe(snaps: Path) -> None:
    with pytest.raises(UsageError, match="keeps none of the 4 operations"):
        driftguard.check(V2, snapshots=snaps, match_path="^/v2/")
    with pytest.raises(UsageError, match="invalid regular expression"):
        driftguard.check(V2, snapshots=snaps, exclude_path="[")


def create_items_app(label: str) -> FastAPI:
    """POST /items creates an item that GET /items/{item_id} reads; ``label`` is the name
    of the field the create answer carries (renamed in the second version)."""
    app = FastAPI(title="items", version="1")
    app.state.items = {}

    @app.post("/items", status_code=201)
    def create(request: Request) -> dict[str, Any]:
        items = request.app.state.items
        item = {"id": len(items) + 1, "name": "pen"}
        items[item["id"]] = item
        return {"id": item["id"], label: item["name"]}

    @app.get("/items/{item_id}")
    def read(item_id: int, request: Request) -> dict[str, Any]:
        item: dict[str, Any] | None = request.app.state.items.get(item_id)
        if item is None:
            raise HTTPException(404, "no such item")
        return item

    return app


items_v1 = create_items_app("name")
items_v2 = create_items_app("title")

PROBES = {
    "auto_probes": False,
    "probes": [
        {"name": "create-item", "method": "POST", "path": "/items", "status": 201},
        {"name": "get-item", "path": "/items/1", "status": 200, "setup": ["create-item"]},
    ],
}


def test_setup_probes_outside_the_filter_still_run_but_are_not_reported(tmp_path: Path) -> None:
    config = Config.model_validate(PROBES)
    module = __name__
    driftguard.snapshot(f"{module}:items_v1", snapshots=tmp_path, config=config)
    everything = driftguard.check(f"{module}:items_v2", snapshots=tmp_path, config=config)
    assert _operations(everything) == {"POST /items"}  # the create answer renamed its field

    report = driftguard.check(
        f"{module}:items_v2", snapshots=tmp_path, config=config, match_path=r"^/items/\{"
    )
    # get-item answered 200 as recorded, so its setup ran first; the create's drift is outside
    assert report.findings == []
    assert (
        "endpoint filter: 1 probe(s) outside it replayed only as setup of others"
        in report.run.notes
    )


def test_check_of_a_live_service_on_the_command_line(snaps: Path) -> None:
    with serve(v2_app) as url:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "driftguard.cli",
                *("check", url, "--dir", str(snaps), "--format", "json"),
                *("--match-path", "^/health", "--match-path", "^/missing"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=snaps.parent,  # where no configuration file is found
            env={**os.environ, "CI": ""},
            check=False,
        )
    assert (result.returncode, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    assert [f for f in report["findings"] if f["operation"] is not None] == []
    notes = report["run"]["notes"]
    assert notes[0] == f"2 probe(s) sent to {url}, 2 compared"
    assert "endpoint filter: 2 of 4 probe(s) outside it not replayed" in notes
    assert notes[-1].startswith(
        "endpoint filter (path matching '^/health' or '^/missing'): 2 of 4 operations kept"
    )
