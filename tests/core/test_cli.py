"""The command line's own contract: exit codes, one-line errors, start-up cost, emit()."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest

import driftguard._commands.diff as diff_command
from driftguard import Finding, LoadError, Report, Severity
from driftguard._config import load_config
from driftguard.cli import emit, main
from driftguard.policy import apply_policy

DRIFTGUARD = [sys.executable, "-m", "driftguard.cli"]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DRIFTGUARD, *args], capture_output=True, text=True, cwd=cwd, timeout=60, check=False
    )


def assert_one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in stderr
    return lines[0]


def test_every_contract_command_has_help() -> None:
    for command in ("snapshot", "diff", "check", "fuzz", "report-schema"):
        result = run_cli(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "--config" in result.stdout
        assert "--quiet" in result.stdout


def test_report_flags_are_on_diff_check_and_fuzz() -> None:
    for command in ("diff", "check", "fuzz"):
        text = run_cli(command, "--help").stdout
        for flag in ("--format", "--fail-on", "--output"):
            assert flag in text, (command, flag)


def test_version() -> None:
    result = run_cli("--version")
    assert result.stdout.strip() == "driftguard 0.1.0"


def test_missing_argument_is_exit_2_with_one_error_line() -> None:
    result = run_cli("diff", "only-one.json")
    assert result.returncode == 2
    line = assert_one_error_line(result.stderr)
    assert "NEW" in line


def test_bad_fail_on_is_exit_2_with_the_choices() -> None:
    result = run_cli("diff", "a.json", "b.json", "--fail-on", "sometimes")
    assert result.returncode == 2
    assert "breaking, warning, info, never" in assert_one_error_line(result.stderr)


def test_bad_numbers_for_fuzz_are_usage_errors() -> None:
    for args in (["--max-examples", "0"], ["--seed", "x"], ["--time-budget", "-1"]):
        result = run_cli("fuzz", "app:app", *args)
        assert result.returncode == 2, args
        assert_one_error_line(result.stderr)


def test_config_error_is_exit_2_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.driftguard]\ntargte = 'x:app'\n")
    result = run_cli("diff", "a.json", "b.json", cwd=tmp_path)
    assert result.returncode == 2
    line = assert_one_error_line(result.stderr)
    assert "pyproject.toml: [tool.driftguard] targte: unknown key" in line


def test_report_schema_is_a_valid_json_schema() -> None:
    result = run_cli("report-schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "driftguard report"
    jsonschema_rs.validator_for(schema)  # compiles


def test_import_driftguard_pulls_in_neither_pytest_nor_schemathesis() -> None:
    code = (
        "import sys, driftguard, driftguard.cli; "
        "print(sorted(m for m in ('pytest', 'schemathesis', 'hypothesis', 'pydantic', 'httpx') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_driftguard_error_from_a_command_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def fail(args: argparse.Namespace, config: object) -> Report:
        raise LoadError("old.yaml: invalid YAML at line 3 column 1: mapping values")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(diff_command, "run", fail)
    assert main(["diff", "old.yaml", "new.yaml"]) == 2
    err = capsys.readouterr().err
    assert err == "error: old.yaml: invalid YAML at line 3 column 1: mapping values\n"


def test_unexpected_exception_is_one_line_unless_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def crash(args: argparse.Namespace, config: object) -> Report:
        raise ZeroDivisionError("division by zero")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(diff_command, "run", crash)
    assert main(["diff", "a.json", "b.json"]) == 2
    line = assert_one_error_line(capsys.readouterr().err)
    assert "internal error: ZeroDivisionError: division by zero" in line
    assert "--debug" in line
    with pytest.raises(ZeroDivisionError):
        main(["diff", "a.json", "b.json", "--debug"])


def _args(**overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {"format": None, "fail_on": None, "output": None, "quiet": False}
    values.update(overrides)
    return argparse.Namespace(**values)


def _report() -> Report:
    return Report(
        "diff",
        [
            Finding(
                "response-optional-property-removed",
                Severity.WARNING,
                "schema",
                "GET /a",
                "response 200 application/json /x",
                "removed",
                {},
            ),
            Finding("endpoint-added", Severity.INFO, "schema", "GET /b", "", "added", {}),
        ],
    )


def test_emit_applies_fail_on_and_writes_json_to_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(start=tmp_path)
    out = tmp_path / "reports" / "drift.json"
    assert emit(_report(), _args(format="json", output=str(out)), config) == 0
    assert capsys.readouterr().out == ""
    data = json.loads(out.read_text())
    assert data["summary"]["causes"] == {"breaking": 0, "warning": 1, "info": 1}
    assert (data["summary"]["warning"], data["summary"]["info"]) == (1, 1)
    from driftguard.findings import FailOn

    assert emit(_report(), _args(fail_on=FailOn.parse("warning")), config) == 1
    assert "fail-on: warning" in capsys.readouterr().out


def test_emit_renders_the_report_as_the_library_returned_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The policy is the library call's business (each applies it once), never emit's."""
    (tmp_path / "driftguard.toml").write_text(
        'ignore_findings = [{id = "endpoint-added"}]\n'
        '[severity]\nresponse-optional-property-removed = "breaking"\n'
    )
    config = load_config(start=tmp_path)
    assert emit(_report(), _args(format="json"), config) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["severity"]) for f in data["findings"]] == [
        ("response-optional-property-removed", "warning"),
        ("endpoint-added", "info"),
    ]
    assert emit(apply_policy(_report(), config), _args(format="json"), config) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["id"], f["severity"]) for f in data["findings"]] == [
        ("response-optional-property-removed", "breaking")
    ]


def test_quiet_drops_the_notes_of_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(start=tmp_path)
    report = _report()
    report.run.notes = ["compared a with b"]
    emit(report, _args(format="json", quiet=True), config)
    assert json.loads(capsys.readouterr().out)["run"]["notes"] == []


def test_diff_runs_without_the_cyclic_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gc

    seen: list[bool] = []

    def record(args: argparse.Namespace, config: object) -> Report:
        seen.append(gc.isenabled())
        return Report("diff")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(diff_command, "run", record)
    assert gc.isenabled()
    assert main(["diff", "a.json", "b.json"]) == 0
    assert seen == [False]
    assert gc.isenabled()


def test_the_program_ends_after_flushing_and_atexit_without_teardown(tmp_path: Path) -> None:
    """``driftguard diff`` skips the interpreter's teardown (freeing the documents), but not
    the output, nor the atexit handlers."""
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    for name in ("old.json", "new.json"):
        (tmp_path / name).write_text(json.dumps(document))
    code = (
        "import atexit, sys\n"
        "class Torn:\n"
        "    def __del__(self): print('torn down', file=sys.stderr)\n"
        "sys.modules['__main__'].kept = Torn()\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "from driftguard.cli import main\n"
        "sys.exit(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "diff", "old.json", "new.json", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["breaking"] == 0
    assert result.stderr == "atexit ran\n"


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """``driftguard diff old new | head``: the pipe closes while the report is written,
    which ends the program quietly, never with an internal error or a traceback."""
    paths = {
        f"/items{i}": {"get": {"responses": {"200": {"description": "ok"}}}} for i in range(3000)
    }
    old = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    new = {**old, "paths": {}}
    for name, document in (("old.json", old), ("new.json", new)):
        (tmp_path / name).write_text(json.dumps(document))
    process = subprocess.Popen(
        [sys.executable, "-m", "driftguard.cli", "diff", "old.json", "new.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    with process, process.stdout, process.stderr:
        assert process.stdout.read(10)
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.wait(timeout=60)
    assert "Traceback" not in stderr
    assert "internal error" not in stderr
    assert process.returncode in (0, 1)
