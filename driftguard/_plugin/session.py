"""What the pytest plugin saw in one session, as plain data: no pytest in here.

Every ``driftguard.check`` records the snapshot file it used and how it went. At the end the
session says which snapshot files no test used. Under pytest-xdist each worker keeps its own
session, sends it to the controller as plain data (:meth:`PluginSession.to_wire`), and the
controller merges them (:meth:`PluginSession.merge`), so the final report covers all workers.

Which unused files may be deleted is decided here, conservatively: a file belongs to a test
when its name starts with the test's snapshot stem; it is unused when no check touched it and
its test either passed (so it really no longer uses it) or, on a full run only, no longer
exists. A file of a test that failed or was skipped is never unused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["OUTCOMES", "PluginSession", "SessionSummary"]

OUTCOMES = ("passed", "created", "updated", "failed")
SNAPSHOT_SUFFIX = ".json"
TESTS_DIR = "tests"


@dataclass
class PluginSession:
    """Snapshot bookkeeping for one pytest process (a worker, or the only process)."""

    root: Path
    update: bool = False
    # snapshot file (relative to root, POSIX) -> outcome of the last check that used it
    outcomes: dict[str, str] = field(default_factory=dict)
    # files whose snapshot still matches but holds differences below the failure threshold
    outdated: set[str] = field(default_factory=set)
    # snapshot stems ("tests/<module>/<test name>") of every collected test, and those that passed
    stems: set[str] = field(default_factory=set)
    passed: set[str] = field(default_factory=set)
    # a subset of the tests was selected (-k, -m, node ids, --lf, deselection, paths)
    subset: bool = False

    def record(self, relative: str, outcome: str, *, outdated: bool = False) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        previous = self.outcomes.get(relative)
        # A file checked twice in a session (a retried test) keeps its worst outcome.
        if previous == "failed":
            return
        self.outcomes[relative] = outcome
        if outdated:
            self.outdated.add(relative)

    def to_wire(self) -> dict[str, Any]:
        """Plain data that execnet can carry from an xdist worker to the controller."""
        return {
            "outcomes": dict(self.outcomes),
            "outdated": sorted(self.outdated),
            "stems": sorted(self.stems),
            "passed": sorted(self.passed),
            "subset": self.subset,
        }

    def merge(self, wire: dict[str, Any]) -> None:
        for relative, outcome in wire.get("outcomes", {}).items():
            self.record(relative, outcome)
        self.outdated.update(wire.get("outdated", ()))
        self.stems.update(wire.get("stems", ()))
        self.passed.update(wire.get("passed", ()))
        self.subset = self.subset or bool(wire.get("subset"))

    def _owner(self, relative: str) -> str | None:
        stem = relative.removesuffix(SNAPSHOT_SUFFIX)
        for candidate in _stem_candidates(stem):
            if candidate in self.stems:
                return candidate
        return None

    def unused(self) -> list[str]:
        """Snapshot files no test used, by the rules in the module docstring."""
        tests_dir = self.root / TESTS_DIR
        if not tests_dir.is_dir():
            return []
        found = []
        for path in sorted(tests_dir.rglob(f"*{SNAPSHOT_SUFFIX}")):
            relative = path.relative_to(self.root).as_posix()
            if relative in self.outcomes or path.name.startswith("."):
                continue
            owner = self._owner(relative)
            orphan = owner is None and not self.subset
            if orphan or (owner is not None and owner in self.passed):
                found.append(relative)
        return found

    def delete(self, unused: list[str]) -> None:
        """Delete unused snapshot files (relative to the root), then emptied directories."""
        for relative in unused:
            (self.root / relative).unlink(missing_ok=True)
        tests_dir = self.root / TESTS_DIR
        if tests_dir.is_dir():
            for path in sorted(tests_dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()

    def summary(self) -> SessionSummary:
        counts = Counter(self.outcomes.values())
        return SessionSummary(
            counts={outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
            outdated=sorted(self.outdated),
            unused=self.unused(),
            subset=self.subset,
            update=self.update,
        )


def _stem_candidates(stem: str) -> list[str]:
    """``tests/mod/test_x.user.2`` may belong to the test ``test_x.user.2``, ``test_x.user`` or
    ``test_x`` (a class test is ``TestA.test_x``): every dot-prefix, longest first."""
    module, _, name = stem.rpartition("/")
    parts = name.split(".")
    prefix = f"{module}/" if module else ""
    return [prefix + ".".join(parts[:n]) for n in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class SessionSummary:
    counts: dict[str, int]
    outdated: list[str]
    unused: list[str]
    subset: bool
    update: bool

    @property
    def used_any(self) -> bool:
        return any(self.counts.values()) or bool(self.unused)

    def lines(self, *, deleted: bool, directory: str) -> list[str]:
        """The end-of-session report, one line per fact, for the terminal summary."""
        counts = ", ".join(f"{self.counts[o]} {o}" for o in OUTCOMES)
        lines = [f"driftguard: {counts} ({directory})"]
        if self.outdated:
            lines.append(
                f"{len(self.outdated)} snapshot(s) still match but are outdated "
                "(non-breaking differences); refresh with: pytest --driftguard-update"
            )
            lines += [f"  {relative}" for relative in self.outdated]
        if self.unused:
            if deleted:
                lines.append(f"{len(self.unused)} unused snapshot(s) deleted:")
            else:
                hint = (
                    "a subset of tests ran, so nothing is deleted"
                    if self.subset
                    else "delete them with a full run of: pytest --driftguard-update"
                )
                lines.append(f"{len(self.unused)} snapshot(s) no test used ({hint}):")
            lines += [f"  {relative}" for relative in self.unused]
        return lines
