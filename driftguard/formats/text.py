"""The terminal report: findings grouped by operation, worst first, coloured on a terminal."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from driftguard.findings import Finding, Report, RunInfo, Severity

__all__ = ["SPEC_WIDE", "render", "run_facts", "summary_line"]

_COLOURS = {Severity.BREAKING: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_LABELS = {Severity.BREAKING: "breaking", Severity.WARNING: "warning ", Severity.INFO: "info    "}
SPEC_WIDE = "(whole API)"


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def summary_line(report: Report) -> str:
    counts = report.summary
    parts = [
        f"{counts['breaking']} breaking",
        f"{counts['warning']} warning",
        f"{counts['info']} info",
    ]
    return ", ".join(parts)


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


def render(report: Report, options: Any) -> str:
    color: bool = options.color
    lines: list[str] = []
    lines.append(_paint(report.title, "1", color))
    for note in report.run.notes:
        lines.append(f"  {note}")
    if not report.findings:
        lines.append("")
        lines.append(_paint("No findings.", "32", color))
        return "\n".join(lines) + "\n"

    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.operation or SPEC_WIDE].append(finding)
    for operation, findings in groups.items():
        lines.append("")
        lines.append(_paint(operation, "1", color))
        findings.sort(key=lambda f: (-f.severity.rank, f.location, f.id))
        for finding in findings:
            label = _paint(_LABELS[finding.severity], _COLOURS[finding.severity], color)
            lines.append(f"  {label}  {finding.message}")
            where = f"{finding.id}"
            if finding.location:
                where += f" at {finding.location}"
            lines.append(_paint(f"            {where}", "2", color))
            reproduce = finding.details.get("reproduce")
            if reproduce:
                lines.append(_paint(f"            reproduce: {reproduce}", "2", color))
    lines.append("")
    fail_on = options.fail_on
    tripped = report.exit_code(fail_on) == 1
    verdict = f"{summary_line(report)} (fail-on: {fail_on})"
    lines.append(_paint(verdict, "31;1" if tripped else "32;1", color))
    return "\n".join(lines) + "\n"
