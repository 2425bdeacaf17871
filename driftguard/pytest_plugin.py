"""The pytest11 entry point: one option group, the ``driftguard`` fixture, the session report.

Thin on purpose (like syrupy's): the hooks wire options, a fixture and a session object kept
in ``config.stash``; what a check does lives in :mod:`driftguard._plugin.fixture`, the bookkeeping
and the end-of-session report in :mod:`driftguard._plugin.session`. Under pytest-xdist every
worker sends its session to the controller, which merges them before reporting and before
deleting anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from driftguard._plugin.session import TESTS_DIR, PluginSession, SessionSummary

if TYPE_CHECKING:
    from driftguard._config import Config

__all__ = ["snapshot_stem"]

SESSION = pytest.StashKey[PluginSession]()
SETTINGS = pytest.StashKey["Config | None"]()
WIRE_KEY = "driftguard"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("driftguard", "driftguard: response and schema snapshots")
    group.addoption(
        "--driftguard-update",
        dest="driftguard_update",
        action="store_true",
        default=False,
        help="create and refresh driftguard snapshots and, on a full run, delete unused ones; "
        "refused when CI is set unless --driftguard-force is given too",
    )
    group.addoption(
        "--driftguard-force",
        dest="driftguard_force",
        action="store_true",
        default=False,
        help="let --driftguard-update write snapshots even when CI is set",
    )
    group.addoption(
        "--driftguard-fail-unused",
        dest="driftguard_fail_unused",
        action="store_true",
        default=False,
        help="fail the run when snapshots no test used are left (judged on a full run only, "
        "as syrupy does; never when -k, -m, node ids or --lf select part of the suite)",
    )
    group.addoption(
        "--driftguard-dir",
        dest="driftguard_dir",
        default=None,
        metavar="DIR",
        help="snapshot directory (default: [tool.driftguard] snapshots, else <rootdir>/snapshots)",
    )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    update = bool(config.getoption("driftguard_update", False))
    force = bool(config.getoption("driftguard_force", False))
    if update and not force and not _is_worker(config):
        from driftguard.snapshots.store import ci_is_set

        if ci_is_set():
            raise pytest.UsageError(
                "--driftguard-update is refused because CI is set: a CI run must not rewrite "
                "its own snapshots. Refresh them locally, or add --driftguard-force."
            )
    state = PluginSession(root=_snapshot_root(config), update=update)
    config.stash[SESSION] = state
    config.pluginmanager.register(_SessionHooks(config, state), "driftguard-session")


def _snapshot_root(config: pytest.Config) -> Path:
    option = config.getoption("driftguard_dir", None)
    if option:
        return (Path(config.invocation_params.dir) / str(option)).resolve()
    settings = _settings(config)
    if settings is not None:
        return settings.snapshot_dir.resolve()
    return config.rootpath / "snapshots"


def _settings(config: pytest.Config) -> Config | None:
    """[tool.driftguard], if the project has one; pydantic is imported only then."""
    if SETTINGS in config.stash:
        return config.stash[SETTINGS]
    from driftguard._discovery import find_config_file

    settings = None
    if find_config_file(config.rootpath) is not None:
        from driftguard._config import load_config
        from driftguard._errors import ConfigError

        try:
            settings = load_config(start=config.rootpath)
        except ConfigError as exc:
            raise pytest.UsageError(f"driftguard: {exc}") from None
    config.stash[SETTINGS] = settings
    return settings


def snapshot_stem(item: pytest.Item) -> str:
    """``tests/<test module>/<test name>``: the stable prefix of a test's snapshot files."""
    from driftguard._plugin.fixture import safe_name

    module = getattr(getattr(item, "module", None), "__name__", None)
    if module is None:
        module = Path(item.path).stem
    classes = [node.name for node in item.listchain() if isinstance(node, pytest.Class)]
    return f"{TESTS_DIR}/{safe_name(module)}/{safe_name('.'.join([*classes, item.name]))}"


@pytest.fixture
def driftguard(request: pytest.FixtureRequest) -> Any:
    """Compare responses (``driftguard.check``) and the OpenAPI document
    (``driftguard.check_schema``) with the snapshots under ``snapshots/``."""
    from driftguard._plugin.fixture import SnapshotFixture

    config = request.config
    state = config.stash[SESSION]
    loaded = _settings(config)
    return SnapshotFixture(
        session=state,
        root=state.root,
        stem=snapshot_stem(request.node),
        nodeid=request.node.nodeid,
        ignore=list(loaded.ignore) if loaded is not None else [],
        fail=_fail,
        config=loaded,
    )


def _fail(message: str) -> NoReturn:
    # Often called while handling the DriftguardError the message already tells: from None,
    # so that pytest shows it once, not again under "During handling of the above exception".
    raise pytest.fail.Exception(message, pytrace=False) from None


class _SessionHooks:
    """The hooks that need the session: collection, outcomes, xdist merge, the summary."""

    def __init__(self, config: pytest.Config, state: PluginSession) -> None:
        self.config = config
        self.state = state
        self.stems: dict[str, str] = {}
        self.result: tuple[SessionSummary, bool] | None = None
        self.failed_unused = False

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        if items:
            self.state.subset = True

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            stem = snapshot_stem(item)
            self.stems[item.nodeid] = stem
            self.state.stems.add(stem)
        if _selected_subset(self.config):
            self.state.subset = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Only a test whose call passed proves it no longer uses a snapshot it did not touch.
        if report.when == "call" and report.passed and report.nodeid in self.stems:
            self.state.passed.add(self.stems[report.nodeid])

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        wire = getattr(node, "workeroutput", {}).get(WIRE_KEY)
        if wire:
            self.state.merge(wire)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if _is_worker(self.config):
            self.config.workeroutput[WIRE_KEY] = self.state.to_wire()  # type: ignore[attr-defined]
            return
        summary = self.state.summary()
        deleted = False
        # Deleting needs a full run in which nothing failed: a failure may hide a snapshot use.
        full_clean_run = not self.state.subset and session.testsfailed == 0
        if self.state.update and full_clean_run and summary.unused:
            self.state.delete(summary.unused)
            deleted = True
        self.result = (summary, deleted)
        # As syrupy: unused snapshots fail a full run on request; a subset proves nothing.
        fail_unused = bool(self.config.getoption("driftguard_fail_unused", False))
        if fail_unused and summary.unused and not deleted and not self.state.subset:
            self.failed_unused = True
            if session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.result is None or not self.result[0].used_any:
            return
        summary, deleted = self.result
        try:
            shown = os.path.relpath(self.state.root, self.config.invocation_params.dir)
        except ValueError:  # pragma: no cover - another drive on Windows
            shown = str(self.state.root)
        terminalreporter.write_sep("-", "driftguard snapshots")
        for line in summary.lines(deleted=deleted, directory=shown):
            terminalreporter.write_line(line)
        if self.failed_unused:
            terminalreporter.write_line(
                f"driftguard: the run fails: {len(summary.unused)} unused snapshot(s) "
                "(--driftguard-fail-unused)",
                red=True,
            )


def _selected_subset(config: pytest.Config) -> bool:
    """Whether only part of the suite runs, so that absent tests prove nothing."""
    option = config.option
    if getattr(option, "keyword", "") or getattr(option, "markexpr", ""):
        return True
    if getattr(option, "lf", False) or getattr(option, "deselect", None):
        return True
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    broad = {config.rootpath.resolve()}
    broad |= {(config.rootpath / p).resolve() for p in config.getini("testpaths")}
    invoked = Path(config.invocation_params.dir)
    return any("::" in arg or (invoked / arg).resolve() not in broad for arg in config.args)
