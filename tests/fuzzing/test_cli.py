"""`driftguard fuzz` on the command line: exit codes, a clean pipe, progress on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import jsonschema_rs

from driftguard.formats.json import report_schema
from tests.conftest import ROOT

DRIFTGUARD = [sys.executable, "-m", "driftguard.cli", "fuzz"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DRIFTGUARD, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_findings_exit_1_and_the_pipe_carries_only_the_json_report() -> None:
    result = run(
        "tests.fuzzing.apps:crashes", "--seed", "1", "--max-examples", "5", "--format", "json"
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema_rs.validator_for(report_schema()).validate(data)
    assert [(f["id"], f["operation"]) for f in data["findings"]] == [
        ("server-error", "POST /orders")
    ]


def test_fail_on_and_operation_choose_what_fails() -> None:
    result = run(
        "tests.fuzzing.apps:crashes", "--max-examples", "3", "--operation", "POST /quotes", "-q"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings." in result.stdout
    assert "requests in" not in result.stdout  # --quiet: no run notes either
    warning_only = run(
        "tests.fuzzing.apps:gaps",
        "--max-examples",
        "3",
        "--operation",
        "GET /readme",
        "--fail-on",
        "warning",
    )
    assert warning_only.returncode == 1
    assert "undocumented-content-type" in warning_only.stdout


def test_could_not_run_is_exit_2_with_one_error_line() -> None:
    for args, expected in [
        (
            ("tests.fuzzing.apps:crashes", "--operation", "GET /nowhere"),
            "no operation 'GET /nowhere'",
        ),
        (("http://127.0.0.1:9",), "cannot reach the service"),
        (("tests/fuzzing/__init__.py",), "not a TARGET"),
    ]:
        result = run(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        assert expected in lines[0]


def test_target_and_settings_come_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text(
        'target = "tests.fuzzing.apps:broken"\n'
        "[fuzz]\nmax_examples = 3\nseed = 4\n"
        'headers = { "X-Api-Key" = "${DG_TEST_KEY}" }\n',
        encoding="utf-8",
    )
    result = run("--config", str(config), "--format", "json", env={"DG_TEST_KEY": "s3cr3t-key"})
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["id"] == "response-schema-violation"
    assert "X-Api-Key: ${DG_TEST_KEY}" in finding["details"]["reproduce"]
    assert "s3cr3t-key" not in result.stdout


def test_a_progress_bar_is_drawn_on_a_terminal_and_erased() -> None:
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [*DRIFTGUARD, "tests.fuzzing.apps:gaps", "--max-examples", "3", "--seed", "1"],
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0  # three warnings, below the default --fail-on
    assert b"fuzz [" in drawn
    assert drawn.endswith(b"\r\x1b[2K")
    assert b"fuzz [" not in process.stdout
