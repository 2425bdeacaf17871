"""What a snapshot write did: created, replaced, left unchanged, removed (for the report).

A write never overwrites silently: the store (:mod:`.store`) reads what it replaces under its
lock and returns one of these, which the commands print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from driftguard.snapshots._swap import SPEC_FILE

__all__ = ["SnapshotChanges", "SpecChange"]

# What a write did to openapi.json ("none": no document was written).
SpecChange = Literal["created", "replaced", "unchanged", "none"]


@dataclass
class SnapshotChanges:
    """What a write replaced, so that nothing is ever overwritten silently.

    ``unchanged`` names the records whose contract (:meth:`ResponseRecord.contract`) is
    what was stored: their files were left as they were, old sample and all.
    """

    directory: Path
    spec: SpecChange
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def responses_changed(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def written(self) -> bool:
        """Whether any file was written: an unchanged target leaves the directory alone."""
        return self.spec in ("created", "replaced") or self.responses_changed

    def lines(self) -> list[str]:
        out = [f"{self.directory / SPEC_FILE}: {self.spec}"] if self.spec != "none" else []
        for label, names in (
            ("new", self.added),
            ("replaced (shape, status or request changed)", self.changed),
            ("removed (no longer probed)", self.removed),
        ):
            if names:
                out.append(f"{len(names)} probe(s) {label}: {', '.join(sorted(names))}")
        if self.unchanged:
            out.append(f"{len(self.unchanged)} probe(s) unchanged (files left as they were)")
        return out

    def summary(self, target: str) -> str:
        """The one line a run ends with (and all that ``--quiet`` prints)."""
        probes = len(self.added) + len(self.changed) + len(self.unchanged)
        if not self.written:
            return (
                f"snapshot of {target} in {self.directory}/ is up to date: nothing rewritten "
                f"({probes} probe(s) unchanged)"
            )
        return (
            f"snapshot of {target} written to {self.directory}/ "
            f"({probes} probe(s), {len(self.unchanged)} unchanged)"
        )
