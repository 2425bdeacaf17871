"""driftguard as a user installs it: a wheel built from this tree, in venvs outside the repository.

One sdist and one wheel are built per session (``python -m build``, from a copy of the tree,
the wheel from the sdist, so the sdist is proven buildable too) and installed into two fresh
venvs under the session's temporary directory, each built once for the module:

- ``core``: ``pip install driftguard-*.whl``. It must install no schemathesis, hypothesis or
  pytest, and ``diff``, ``snapshot`` and ``check`` (value comparison through DeepDiff
  included) work there against real services on 127.0.0.1; ``driftguard fuzz`` is exit 2
  with the extra's hint.
- ``pytest``: the same with pytest beside it: the fixture works, and pytest loads no
  schemathesis plugin (about 1.5 s of every run of a suite with the extra).
- ``fuzz``: ``pip install 'driftguard-*.whl[fuzz]' schemathesis==<oldest supported>``. It
  resolves, and fuzzes a real service.

Under pytest-xdist the workers share them: the first to need one builds it under a file lock
in the session's shared temporary directory, the others wait and reuse it. pip's own cache
is used, so a second run installs from it. The apps are served from this
test process (uvicorn, real HTTP); the fresh venvs have no FastAPI, as a user's CI job need
not.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from driftguard._extras import FUZZ_HINT, SCHEMATHESIS_OLDEST
from tests.fuzzing.apps import crashes
from tests.servers import serve
from tests.snapshots.test_values import new_app, old_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT.parent / "shared" / "specs"
OLDEST = ".".join(map(str, SCHEMATHESIS_OLDEST))
# Installed by a plain `pip install driftguard`: what the issue allows, and nothing for tests.
NEVER_IN_CORE = {"schemathesis", "hypothesis", "pytest", "requests", "rich", "werkzeug"}
CORE_PACKAGES_AT_MOST = 20


def _run(command: list[str | Path], *, cwd: Path | None = None, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
    )
    assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    return result.stdout


def _shared(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``<session tmp>/name``, built by ``build`` once for all xdist workers."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    where = base / f"driftguard-install-{name}"
    with open(base / f"driftguard-install-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (where / ".built").exists():
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir()
            build(where)
            (where / ".built").touch()
    return where


def _build_dist(out: Path) -> None:
    """An sdist and, from it, a wheel of a copy of the tree as git sees it (tracked and new)."""
    files = _run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    source = out / "source"
    for name in files.splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "build", "--outdir", out, source])


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(sdist, wheel)``."""
    out = _shared(tmp_path_factory, "dist", _build_dist)
    (sdist,) = out.glob("driftguard-*.tar.gz")
    (wheel,) = out.glob("driftguard-*.whl")
    return sdist, wheel


def _venv(where: Path, *requirements: str) -> None:
    _run([sys.executable, "-m", "venv", where])
    python = where / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements])


def _installed(bin_dir: Path) -> dict[str, str]:
    listing = _run([bin_dir / "python", "-m", "pip", "list", "--format", "json"])
    return {p["name"].lower(): p["version"] for p in json.loads(listing)}


@pytest.fixture(scope="module")
def core(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv of ``pip install driftguard-*.whl``; its ``bin`` directory."""
    return _shared(tmp_path_factory, "core", lambda where: _venv(where, str(dist[1]))) / "bin"


@pytest.fixture(scope="module")
def with_pytest(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv of ``pip install driftguard-*.whl pytest``: a test suite without the extra."""
    build = lambda where: _venv(where, str(dist[1]), "pytest")  # noqa: E731
    return _shared(tmp_path_factory, "pytest", build) / "bin"


@pytest.fixture(scope="module")
def fuzz_venv(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv of ``pip install 'driftguard-*.whl[fuzz]' schemathesis==<oldest>``."""
    requirements = (f"{dist[1]}[fuzz]", f"schemathesis=={OLDEST}")
    return _shared(tmp_path_factory, "fuzz", lambda where: _venv(where, *requirements)) / "bin"


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[str, str, str]]:
    """The catalogue service before and after its release, and the crashing order service."""
    with serve(old_app) as old, serve(new_app) as new, serve(crashes) as crashing:
        yield old, new, crashing


def _driftguard(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "driftguard"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CI")},
    )


def test_the_sdist_carries_the_license_and_the_tests(dist: tuple[Path, Path]) -> None:
    sdist, wheel = dist
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "tests/install/test_fresh_venv.py", "tests/conftest.py"} <= names
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert 'Requires-Dist: schemathesis<4.33,>=4.30.1; extra == "fuzz"' in text


def test_a_plain_install_is_light(core: Path) -> None:
    installed = _installed(core)
    assert not NEVER_IN_CORE & set(installed), sorted(installed)
    assert {"driftguard", "httpx", "pydantic", "pyyaml", "deepdiff"} <= set(installed)
    assert len(installed) <= CORE_PACKAGES_AT_MOST, sorted(installed)
    # The library's production parts import without the extras.
    code = (
        "import driftguard; driftguard.DriftRecorder; driftguard.DriftMonitor; "
        "driftguard.diff_specs; print('ok')"
    )
    assert _run([core / "python", "-c", code], cwd=core).strip() == "ok"


def test_diff_snapshot_and_check_work_in_a_plain_install(
    core: Path, services: tuple[str, str, str], tmp_path: Path
) -> None:
    old, new, _ = services
    diff = _driftguard(
        core, "diff", str(SPECS / "twilio-video-2025-02.yaml"), str(SPECS / "twilio-video-2025-08.yaml"),
        cwd=tmp_path,
    )  # fmt: skip
    assert diff.returncode == 1, diff.stderr
    assert "request-parameter-max-decreased" in diff.stdout

    (tmp_path / "driftguard.toml").write_text(
        'auto_probes = false\n\n[[probes]]\nname = "plans"\npath = "/plans"\n'
        'values = ["$.plans[*].price"]\n',
        encoding="utf-8",
    )
    snapshot = _driftguard(core, "snapshot", old, cwd=tmp_path)
    assert snapshot.returncode == 0, snapshot.stderr
    assert (tmp_path / "snapshots" / "responses" / "plans.json").is_file()
    same = _driftguard(core, "check", old, cwd=tmp_path)
    assert same.returncode == 0, same.stdout + same.stderr
    # A changed price is a value change: DeepDiff runs in the plain install.
    drifted = _driftguard(core, "check", new, "--format", "json", cwd=tmp_path)
    assert drifted.returncode == 1, drifted.stderr
    ids = {f["id"] for f in json.loads(drifted.stdout)["findings"]}
    assert "response-value-changed" in ids

    # watch keeps its history in SQLite: no database driver to install
    assert _driftguard(core, "watch", old, "--once", cwd=tmp_path).returncode == 0
    assert _driftguard(core, "watch", new, "--once", cwd=tmp_path).returncode == 1
    history = _driftguard(core, "history", "--format", "json", cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    kept = json.loads(history.stdout)
    assert len(kept["runs"]) == 2
    assert kept["incidents"], kept


FIXTURE_TEST = """
def test_user(driftguard):
    driftguard.check({"id": 1, "name": "Ada"})
"""


def test_the_fixture_works_without_the_extra_and_pytest_loads_no_schemathesis(
    with_pytest: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_users.py").write_text(FIXTURE_TEST, encoding="utf-8")
    pytest_in_venv = [str(with_pytest / "python"), "-m", "pytest", "-p", "no:cacheprovider"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CI")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pytest_in_venv, *args], capture_output=True, text=True, cwd=tmp_path, env=env,
            timeout=120, check=False,
        )  # fmt: skip

    created = run("--driftguard-update", "test_users.py")
    assert created.returncode == 0, created.stdout
    assert "plugins: driftguard" in created.stdout
    assert "schemathesis" not in created.stdout
    assert (tmp_path / "snapshots/tests/test_users/test_user.json").is_file()
    checked = run()
    assert checked.returncode == 0, checked.stdout
    assert "driftguard: 1 passed, 0 created" in checked.stdout


def test_fuzz_without_the_extra_says_what_to_install(core: Path, tmp_path: Path) -> None:
    result = _driftguard(core, "fuzz", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {FUZZ_HINT}\n"
    assert result.stdout == ""
    # and the library says the same
    code = "import driftguard\ntry:\n    driftguard.fuzz\nexcept driftguard.UsageError as e:\n    print(e)"
    assert _run([core / "python", "-c", code], cwd=tmp_path) == f"{FUZZ_HINT}\n"


def test_the_fuzz_extra_with_the_oldest_schemathesis_resolves_and_fuzzes(
    fuzz_venv: Path, services: tuple[str, str, str], tmp_path: Path
) -> None:
    assert _installed(fuzz_venv)["schemathesis"] == OLDEST
    crashing = services[2]
    result = _driftguard(
        fuzz_venv, "fuzz", crashing, "--allow-unsafe", "--operation", "POST /orders",
        "--seed", "1", "--max-examples", "20", "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    ids = {f["id"] for f in json.loads(result.stdout)["findings"]}
    assert "server-error" in ids
