"""The ``driftguard`` fixture's logic: snapshot names, checks, the drift message. No pytest here.

The hook module (:mod:`driftguard.pytest_plugin`) builds one :class:`SnapshotFixture` per test
and hands it a ``fail`` function; everything a user sees on drift is composed here, from the
same shapes, records and diff engine that ``driftguard check`` uses.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from driftguard._errors import DriftguardError
from driftguard._plugin.session import PluginSession
from driftguard.findings import Finding, Severity
from driftguard.policy import apply_policy
from driftguard.report import Report
from driftguard.rules import brief

if TYPE_CHECKING:
    from driftguard.shapes.values import ValueRule
    from driftguard.snapshots.record import ResponseRecord

__all__ = ["SnapshotFixture", "case_twin", "cause_lines", "drift_lines", "safe_name"]

Fail = Callable[[str], NoReturn]

_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|\s\ud800-\udfff]+')
_MAX_NAME = 120
UPDATE_HINT = "pytest --driftguard-update"


def safe_name(text: str) -> str:
    """A file-name-safe, stable spelling of a test or check name, distinct for distinct names.

    A name that is safe as it is stays exactly as it is, so snapshot files keep their names.
    A name that had to be changed (unsafe characters replaced, dots and underscores trimmed
    at the ends, a long one cut) ends in a hash of the original text: ``a/b``, ``a:b``,
    ``a b`` and ``a_b`` are four tests, so they get four files.
    """
    cleaned = _UNSAFE.sub("_", text).strip("._") or "_"
    if cleaned == text and len(cleaned) <= _MAX_NAME:
        return cleaned
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned[: _MAX_NAME - 11]}-{digest}"


def case_twin(path: Path) -> str | None:
    """Another entry beside ``path`` that a case-insensitive filesystem (macOS, Windows) takes
    for the same file (a name that differs only in letter case or Unicode normalization),
    when ``path`` itself is not there.

    Such names cannot be told apart without renaming a snapshot that is safe as it is (which
    existing projects have committed), so the check that would share the file fails instead.
    """
    try:
        names = os.listdir(path.parent)
    except OSError:
        return None
    if path.name in names:
        return None
    key = _folded(path.name)
    return next((name for name in sorted(names) if _folded(name) == key), None)


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", name).lower()


def drift_lines(findings: Iterable[Finding]) -> list[str]:
    """A response's drift, path by path: ``$.full_name -> fullName (renamed)  [breaking]``."""
    return [f"  {brief(f)}  [{f.severity.value}]" for f in findings]


def cause_lines(report: Report) -> list[str]:
    """A document's drift, cause by cause, each naming the operations that show it."""
    lines = []
    for cause in report.causes:
        lines.append(f"  {cause.message}  [{cause.severity.value}]")
        lines.append(f"    {cause.id} {cause.where(limit=6)}")
    return lines


class SnapshotFixture:
    """``driftguard`` in a test: compare responses and the OpenAPI document with snapshots."""

    def __init__(
        self,
        *,
        session: PluginSession,
        root: Path,
        stem: str,
        nodeid: str,
        ignore: Sequence[str],
        fail: Fail,
        config: Any = None,
    ) -> None:
        self._session = session
        self._root = root
        self._stem = stem
        self._nodeid = nodeid
        self._ignore = list(ignore)
        self._fail = fail
        self._config = config
        self._unnamed = 0
        self._used: set[str] = set()

    def _relative(self, name: str | None) -> str:
        if name is None:
            self._unnamed += 1
            suffix = "" if self._unnamed == 1 else f".{self._unnamed}"
        else:
            suffix = f".{safe_name(name)}"
        relative = f"{self._stem}{suffix}.json"
        if relative in self._used:
            self._fail(
                f"driftguard: two checks in {self._nodeid} would share the snapshot "
                f"{relative}; give them distinct names: driftguard.check(obj, name=...)"
            )
        self._used.add(relative)
        return relative

    def check(
        self,
        obj: Any,
        name: str | None = None,
        ignore: Sequence[str] = (),
        values: bool | Sequence[str] = False,
    ) -> None:
        """Compare ``obj`` (a response, or parsed JSON) with its snapshot; fail on drift.

        The status and media type of a response are part of its snapshot. ``ignore`` takes
        field paths whose shape may vary (``$..created_at``), added to the configured ones.
        ``values`` (True, or paths as in ``ignore``) names values compared as well as the
        shape, as a probe's ``values`` does; a 4xx's error codes always are.
        """
        from driftguard.shapes import compare_response
        from driftguard.shapes.values import ValueRule, compare_values
        from driftguard.snapshots.store import read_record, write_record

        relative = self._relative(name)
        path = self._root / relative
        twin = case_twin(path)
        if twin is not None:
            self._failed(
                relative,
                f"driftguard: the snapshot {self._show(relative)} and {twin} beside it differ "
                "only in letter case (or Unicode normalization), and a case-insensitive "
                "filesystem (macOS, Windows) takes them for one file; give this test or check "
                "a name that differs by more: driftguard.check(obj, name=...)",
            )
        ignored = [*self._ignore, *ignore]
        try:
            rule = ValueRule.of(values if isinstance(values, bool) else list(values))
            live = _record(obj, ignored, rule)
        except DriftguardError as exc:
            self._failed(relative, f"driftguard: {exc}")
        if not path.exists():
            if self._session.update:
                self._write(relative, lambda: write_record(path, live), "created")
                return
            self._failed(
                relative,
                f"driftguard: no snapshot {self._show(relative)} yet. Create it with "
                f"`{UPDATE_HINT}`, review it and commit it.",
            )
        try:
            recorded = read_record(path)
        except DriftguardError as exc:
            self._failed(relative, f"driftguard: {exc}")
        stem = Path(relative).stem
        report = compare_response(recorded, live, probe=stem, ignore=ignored)
        if (recorded.status, recorded.media_type) == (live.status, live.media_type):
            changed = compare_values(recorded.values, live.values, rule, probe=stem)
            report = Report("check", [*report.findings, *changed])
        report = apply_policy(report, self._config)
        self._settle(relative, report, lambda: write_record(path, live), "response")

    def check_schema(self, app_or_target: Any = None) -> None:
        """Diff the app's whole OpenAPI document with the test's own document snapshot.

        The snapshot is ``snapshots/tests/<test module>/<test name>.openapi.json``, never the
        CLI's ``snapshots/openapi.json``: ``--driftguard-update`` must not half-update the
        baseline that ``driftguard check`` compares against, nor read it as the test's.
        Breaking changes fail the test; the others are listed in the session summary.
        With no argument, ``[tool.driftguard] target`` is used.
        """
        from driftguard.openapi.sources import load_spec
        from driftguard.snapshots.store import SPEC_FILE, write_document

        relative = f"{self._stem}.openapi.json"
        path = self._root / relative
        if relative in self._used:
            self._fail(f"driftguard: check_schema ran twice in {self._nodeid}")
        self._used.add(relative)
        try:
            document = _document_of(app_or_target, self._config)
        except DriftguardError as exc:
            self._failed(relative, f"driftguard: {exc}")

        def write() -> None:
            write_document(path, document)

        if not path.exists():
            if self._session.update:
                self._write(relative, write, "created")
                return
            cli_file = self._root / SPEC_FILE
            aside = (
                f" ({cli_file} is the snapshot of `driftguard snapshot`, which check_schema "
                "does not read)"
                if cli_file.exists()
                else ""
            )
            self._failed(
                relative,
                f"driftguard: no OpenAPI snapshot {path} yet{aside}. Create it with "
                f"`{UPDATE_HINT}`, review it and commit it.",
            )
        try:
            old = load_spec(str(path))
            from driftguard import diff_specs

            report = diff_specs(old, document, config=self._config)
        except DriftguardError as exc:
            self._failed(relative, f"driftguard: {exc}")
        self._settle(
            relative,
            report,
            write,
            "OpenAPI document",
            threshold=Severity.BREAKING,
            by_path=False,
        )

    def _settle(
        self,
        relative: str,
        report: Report,
        write: Callable[[], None],
        what: str,
        *,
        threshold: Severity = Severity.WARNING,
        by_path: bool = True,
    ) -> None:
        if not report.findings:
            self._session.record(relative, "passed")
            return
        if self._session.update:
            self._write(relative, write, "updated")
            return
        failing = [f for f in report.findings if f.severity.rank >= threshold.rank]
        if not failing:
            self._session.record(relative, "passed", outdated=True)
            return
        self._failed(
            relative,
            "\n".join(
                [
                    f"driftguard: the {what} drifted from {self._show(relative)}",
                    *(drift_lines(report.findings) if by_path else cause_lines(report)),
                    f"If this change is intended, refresh the snapshot with `{UPDATE_HINT}`"
                    " and commit it; otherwise the change will break clients.",
                ]
            ),
        )

    def _write(self, relative: str, write: Callable[[], None], outcome: str) -> None:
        try:
            write()
        except DriftguardError as exc:
            self._failed(relative, f"driftguard: {exc}")
        self._session.record(relative, outcome)

    def _failed(self, relative: str, message: str) -> NoReturn:
        self._session.record(relative, "failed")
        self._fail(message)

    def _show(self, relative: str) -> str:
        return str(self._root / relative)


def _record(obj: Any, ignore: list[str], values: ValueRule | None) -> ResponseRecord:
    from driftguard.snapshots.record import ResponseRecord

    if hasattr(obj, "status_code") and hasattr(obj, "headers"):
        return ResponseRecord.from_response(obj, ignore=ignore, values=values)
    return ResponseRecord.from_json(obj, status=None, media_type=None, ignore=ignore, values=values)


def _document_of(app_or_target: Any, config: Any) -> dict[str, Any]:
    """An app object, a TARGET string, or the configured target, as an OpenAPI document; a
    ``module:attr`` is imported from the configuration's app directory, from any cwd."""
    from driftguard._errors import UsageError
    from driftguard.openapi.sources import app_spec, load_spec

    if app_or_target is None:
        app_or_target = getattr(config, "target", None)
        if not app_or_target:
            raise UsageError("check_schema() needs an app or a TARGET, or [tool.driftguard] target")
    if isinstance(app_or_target, str | Path):
        app_dir = config.app_path if config is not None else None
        return load_spec(str(app_or_target), app_dir=app_dir)
    return app_spec(app_or_target, where=f"check_schema({type(app_or_target).__name__})")
