"""The fixture run from a project's tests/ directory: the configured ``module:attr`` target is
imported from the configuration's directory, and snapshots live beside the configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.projects import project

SCHEMA_TEST = """\
def test_schema(driftguard):
    driftguard.check_schema()
"""


def pytest_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A separate pytest process in ``cwd``, with the plugin from its entry point."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env={**os.environ, "CI": "", "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_schema_imports_the_configured_app_from_a_subdirectory(tmp_path: Path) -> None:
    tests = project(tmp_path)
    (tests / "test_schema.py").write_text(SCHEMA_TEST)
    created = pytest_in(tests, "--driftguard-update")
    assert created.returncode == 0, created.stdout + created.stderr
    assert [p.name for p in (tmp_path / "snapshots").rglob("*.json")] != []
    assert not (tests / "snapshots").exists()
    checked = pytest_in(tests)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 passed" in checked.stdout
