"""The repo's own snapshot of example_app is what example_app answers (the CI gate, in a test).

When example_app's contract changes on purpose, refresh the snapshot with
``driftguard check example_app.main:app --update`` (fresh DATABASE_PATH, see the report).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftguard.cli import main

ROOT = Path(__file__).resolve().parents[2]
PROBES = """\
[[probes]]
name = "create-user"
method = "POST"
path = "/users/"
json = {email = "ada@example.com", password = "correct horse battery", name = "Ada Lovelace"}
status = 201

[[probes]]
name = "get-user"
path = "/users/1"
status = 200
setup = ["create-user"]
"""


def test_example_app_matches_its_committed_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
    monkeypatch.setenv("RATES_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "example_app.db"))
    probes = tmp_path / "probes.toml"
    probes.write_text(PROBES)
    snapshots = ROOT / "snapshots"
    code = main(
        [
            "check",
            "example_app.main:app",
            "--dir",
            str(snapshots),
            "--probes",
            str(probes),
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr().out
    assert json.loads(out)["findings"] == []
    assert code == 0
