"""``module:attr`` from anywhere in the project: imported from the app directory (the
configuration file's, ``app_dir``, ``--app-dir``), by the real CLI run from ``tests/``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import driftguard
from driftguard._config import load_config
from driftguard._errors import TargetError
from driftguard.fuzzing.target import resolve
from driftguard.targets import import_app
from tests.projects import CONFIG, project
from tests.targets.repos import driftguard as run_cli


def test_every_command_imports_the_configured_app_from_a_subdirectory(tmp_path: Path) -> None:
    tests = project(tmp_path)
    made = run_cli(tests, "snapshot")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "snapshots" / "responses" / "get-item.json").is_file()
    checked = run_cli(tests, "check", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["run"]["target"] == "myapp.main:app"
    diffed = run_cli(tests, "diff", "../snapshots", "myapp.main:app", "--format", "json")
    assert diffed.returncode == 0, diffed.stderr
    assert json.loads(diffed.stdout)["findings"] == []
    fuzzed = run_cli(tests, "fuzz", "--max-examples", "2", "--seed", "1", "--format", "json")
    assert fuzzed.returncode in (0, 1), fuzzed.stderr
    assert json.loads(fuzzed.stdout)["run"]["requests"] > 0


def test_app_dir_from_the_option_and_from_the_configuration(tmp_path: Path) -> None:
    tests = project(tmp_path, src="src")
    lost = run_cli(tests, "check")
    assert lost.returncode == 2
    assert lost.stderr.startswith(
        f"error: myapp.main:app: cannot import module 'myapp.main' (looked in {tmp_path}), "
        "nor read it as REV:PATH: not inside a git repository"
    )
    made = run_cli(tests, "snapshot", "--app-dir", "../src")
    assert made.returncode == 0, made.stderr
    diffed = run_cli(tests, "diff", "--app-dir", "../src", "../snapshots", "myapp.main:app")
    assert diffed.returncode == 0, diffed.stderr
    (tmp_path / "pyproject.toml").write_text(
        CONFIG.format(package="myapp", extra='app_dir = "src"')
    )
    checked = run_cli(tests, "check")
    assert checked.returncode == 0, checked.stderr
    missing = run_cli(tests, "check", "--app-dir", "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: argument --app-dir: 'nowhere' is not a directory")


def test_help_names_app_dir(tmp_path: Path) -> None:
    for command in ("snapshot", "check", "diff", "fuzz"):
        shown = run_cli(tmp_path, command, "--help")
        assert "--app-dir DIR" in shown.stdout, command


@pytest.mark.parametrize(
    ("main", "said"),
    [
        (
            "import a_dependency_not_installed\n",
            "raised ModuleNotFoundError: No module named 'a_dependency_not_installed' "
            "(at {main}:1)",
        ),
        (
            "\n\nraise RuntimeError('no DATABASE_URL')\n",
            "raised RuntimeError: no DATABASE_URL (at {main}:3)",
        ),
        ("import sys\nsys.exit(3)\n", "exited (3) (at {main}:2)"),
    ],
)
def test_a_module_that_fails_while_importing_says_how_and_where(
    tmp_path: Path, main: str, said: str
) -> None:
    tests = project(tmp_path)
    (tmp_path / "myapp" / "main.py").write_text(main)
    result = run_cli(tests, "diff", "myapp.main:app", "myapp.main:app")
    assert result.returncode == 2
    where = tmp_path / "myapp" / "main.py"
    assert result.stderr == (
        f"error: myapp.main:app: importing 'myapp.main' from {tmp_path} {said.format(main=where)}\n"
    )


def test_a_module_not_found_names_the_part_missing_and_where_it_looked(tmp_path: Path) -> None:
    tests = project(tmp_path)
    result = run_cli(tests, "fuzz", "myapp.nope:app")
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"error: myapp.nope:app: cannot import module 'myapp.nope' (looked in {tmp_path}), "
    )
    assert len(result.stderr.splitlines()) == 1
    # A Target object is not told from REV:PATH: importing it says what was missing, where.
    with pytest.raises(TargetError) as caught:
        import_app("app_dir_missing_pkg.main:app", app_dir=tests)
    assert str(caught.value) == (
        "app_dir_missing_pkg.main:app: cannot import module 'app_dir_missing_pkg.main': no "
        f"module 'app_dir_missing_pkg' in {tests} or elsewhere on sys.path (the app directory "
        "is --app-dir or [tool.driftguard] app_dir, by default the configuration file's "
        "directory)"
    )
    with pytest.raises(TargetError, match=r"no module 'myapp\.main\.inner' in"):
        import_app("myapp.main.inner:app", app_dir=tmp_path)  # main is a module, not a package
    with pytest.raises(TargetError, match=r"the app directory .*nowhere does not exist"):
        import_app("myapp.main:app", app_dir=tmp_path / "nowhere")


def test_library_calls_import_from_the_app_dir_and_leave_sys_path_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = "app_dir_library_pkg"  # in-process: a name no other test imports
    tests = project(tmp_path, package=package)
    monkeypatch.chdir(tests)
    before = list(sys.path)
    document = driftguard.load_spec(f"{package}.main:app", app_dir=tmp_path)
    assert sys.path == before
    assert f"{package}.main" in sys.modules
    assert "/items/{item_id}" in document["paths"]
    config = load_config()  # found from tests/ upwards
    driftguard.snapshot(config=config)
    report = driftguard.check(config=config)
    assert sys.path == before
    assert report.findings == []
    assert (tmp_path / "snapshots" / "responses" / "get-item.json").is_file()


def test_a_fuzz_replay_serves_the_app_from_its_app_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = "app_dir_fuzz_pkg"
    tests = project(tmp_path, package=package)
    config = load_config(tmp_path / "pyproject.toml")
    monkeypatch.chdir(tests)
    _, app, serve = resolve(None, config)
    assert callable(app)
    assert serve == f"uvicorn --app-dir {tmp_path} {package}.main:app"
    monkeypatch.chdir(tmp_path)
    assert resolve(None, config)[2] == f"uvicorn {package}.main:app"
