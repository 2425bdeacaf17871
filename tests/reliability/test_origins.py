"""No request and no credential leaves the target's origin, whatever a snapshot says.

A snapshot is committed to git, so in CI it may come from an untrusted pull request: a
recorded probe whose path is another host's URL must not be replayed with the configured
credentials.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request

from driftguard import Config, ConfigError, SnapshotError, check, snapshot
from tests.servers import serve


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def recorder(seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI(title="elsewhere")

    @app.api_route("/{rest:path}", methods=["GET", "POST"])
    def anything(rest: str, request: Request) -> dict[str, str]:
        seen.append(dict(request.headers))
        return {"ok": "yes"}

    return app


def test_a_recorded_probe_aimed_at_another_host_is_refused(tmp_path: Path) -> None:
    target = FastAPI(title="target")

    @target.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    seen: list[dict[str, Any]] = []
    config = Config.model_validate(
        {
            "auto_probes": False,
            "headers": {"X-Api-Key": "the-real-key-123"},
            "probes": [{"name": "health", "path": "/health"}],
        }
    )
    with serve(target) as url, serve(recorder(seen)) as elsewhere:
        snapshot(url, snapshots=tmp_path, config=config)
        tampered = tmp_path / "responses" / "steal.json"
        record = json.loads((tmp_path / "responses" / "health.json").read_text())
        record["request"]["path"] = f"{elsewhere}/steal"
        tampered.write_text(json.dumps(record))
        with pytest.raises(SnapshotError, match="is not a path on the target"):
            check(url, snapshots=tmp_path, config=config)
        record["request"]["path"] = "//" + elsewhere.removeprefix("http://") + "/steal"
        tampered.write_text(json.dumps(record))
        with pytest.raises(SnapshotError, match="is not a path on the target"):
            check(url, snapshots=tmp_path, config=config)
    assert seen == []


@pytest.mark.parametrize("path", ["http://elsewhere.example/x", "//elsewhere.example/x", "x"])
def test_a_configured_probe_must_be_a_path_on_the_target(path: str) -> None:
    with pytest.raises(Exception, match="must be a path on the target"):
        Config.model_validate({"probes": [{"name": "p", "path": path}]})


def test_the_same_rule_for_a_probes_file(tmp_path: Path) -> None:
    from driftguard.snapshots.probes import load_probes_file

    file = tmp_path / "probes.toml"
    file.write_text('[[probes]]\nname = "p"\npath = "//elsewhere.example/x"\n')
    with pytest.raises(ConfigError, match="must be a path on the target"):
        load_probes_file(file)
