"""What every human format shows the same way: the summary line, the run's facts, and
which causes ``--show`` leaves in view."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from driftguard.findings import RunInfo, Severity
from driftguard.report import Report

if TYPE_CHECKING:
    from driftguard.causes import Cause
    from driftguard.formats import FormatOptions

__all__ = ["SPEC_WIDE", "hidden_line", "run_facts", "shown_causes", "summary_line"]

SPEC_WIDE = "(whole API)"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[s.value]} {s.value}" for s in reversed(Severity))


def summary_line(report: Report) -> str:
    """``2 causes (1 breaking, 1 warning, 0 info) from 7 findings (5 breaking, ...)``."""
    findings, causes = len(report.findings), len(report.causes)
    if findings == causes:
        return _counts(report.summary)
    return (
        f"{causes} cause{'s' if causes != 1 else ''} ({_counts(report.cause_summary)}) "
        f"from {findings} findings ({_counts(report.summary)})"
    )


def run_facts(run: RunInfo) -> list[str]:
    """The run in a few words for a header line: version, start, duration, seed, requests."""
    facts = [f"driftguard {run.version}"]
    if run.started is not None:
        facts.append(f"started {run.started:%Y-%m-%d %H:%M:%S} UTC")
    if run.seconds is not None:
        facts.append(f"{run.seconds:.2f} s")
    if run.seed is not None:
        facts.append(f"seed {run.seed}")
    if run.requests is not None:
        facts.append(f"{run.requests} requests")
    return facts if run.started is not None else []


def shown_causes(report: Report, options: FormatOptions) -> list[Cause]:
    """The causes at or above ``--show``, most severe first."""
    floor = options.show
    if floor is None:
        return list(report.causes)
    return [c for c in report.causes if c.severity.rank >= floor.rank]


def hidden_line(report: Report, shown: list[Cause]) -> str | None:
    """``12 info causes not shown (--show warning)``, or None when all are shown."""
    # by identity: comparing causes compares all their findings (and each cause is one key)
    in_view = {id(cause) for cause in shown}
    hidden = Counter(c.severity.value for c in report.causes if id(c) not in in_view)
    if not hidden:
        return None
    parts = ", ".join(f"{hidden[s.value]} {s.value}" for s in reversed(Severity) if hidden[s.value])
    return f"{parts} cause(s) not shown (--show)"
