"""The repo's own snapshot of example_app is what example_app answers (the CI gate, in a test).

It runs exactly what a developer or CI runs here: ``driftguard check`` in the project root,
with the target, snapshot directory and probes from ``[tool.driftguard]`` in pyproject.toml.
When example_app's contract changes on purpose, refresh the snapshot with
``driftguard check --update`` (fresh DATABASE_PATH, see the README).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_example_app_matches_its_committed_snapshot(tmp_path: Path) -> None:
    # A process of its own, as in CI: example_app.main builds its app from the environment
    # at import, so an import earlier in this test process would pin other settings.
    env = {
        **os.environ,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "RATES_API_URL": "http://127.0.0.1:9",
        "DATABASE_PATH": str(tmp_path / "example_app.db"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "check", "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["command"] == "check"
    assert report["findings"] == []
    assert result.returncode == 0
