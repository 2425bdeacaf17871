"""The terminal report: causes, the most severe first, each with where it was seen.

A cause is one change however many operations and probes show it (:mod:`driftguard.causes`);
``--details`` lists its findings beneath it, one line each. A fuzz cause always shows the
reproduction of its first finding. Coloured on a terminal, plain text anywhere else.
"""

from __future__ import annotations

from typing import Any

from driftguard.causes import Cause
from driftguard.findings import Finding, Severity
from driftguard.formats._view import (
    SPEC_WIDE,
    hidden_line,
    run_facts,
    shown_causes,
    summary_line,
)
from driftguard.report import Report

__all__ = ["SPEC_WIDE", "render", "run_facts", "summary_line", "verdict"]

_COLOURS = {Severity.BREAKING: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_LABELS = {Severity.BREAKING: "breaking", Severity.WARNING: "warning ", Severity.INFO: "info    "}
_INDENT = " " * 10


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _finding_line(finding: Finding) -> str:
    place = finding.operation or SPEC_WIDE
    return f"{place}  {finding.location}  ({finding.id}, {finding.severity.value})"


def _cause(cause: Cause, details: bool, color: bool) -> list[str]:
    label = _paint(_LABELS[cause.severity], _COLOURS[cause.severity], color)
    lines = [f"{label}  {cause.message}"]
    lines.append(_paint(f"{_INDENT}{cause.id} {cause.where()}", "2", color))
    reproduce = cause.findings[0].details.get("reproduce")
    if reproduce and not details:
        lines.append(_paint(f"{_INDENT}reproduce: {reproduce}", "2", color))
    if details:
        for finding in cause.findings:
            lines.append(_paint(f"{_INDENT}- {_finding_line(finding)}", "2", color))
            if finding.message != cause.message:
                lines.append(_paint(f"{_INDENT}  {finding.message}", "2", color))
            reproduce = finding.details.get("reproduce")
            if reproduce:
                lines.append(_paint(f"{_INDENT}  reproduce: {reproduce}", "2", color))
    return lines


def render(report: Report, options: Any) -> str:
    color: bool = options.color
    lines = [_paint(report.title, "1", color)]
    lines += [f"  {note}" for note in report.run.notes]
    if not report.findings:
        lines += ["", verdict(report, options)]
        return "\n".join(lines) + "\n"
    shown = shown_causes(report, options)
    for cause in shown:
        lines.append("")
        lines += _cause(cause, options.details, color)
    hidden = hidden_line(report, shown)
    if hidden:
        lines += ["", hidden]
    lines += ["", verdict(report, options)]
    return "\n".join(lines) + "\n"


def verdict(report: Report, options: Any) -> str:
    """The report's last line, all that ``--quiet`` prints: the counts and the threshold, red
    when the run fails on them, or that nothing was found."""
    if not report.findings:
        return _paint("No findings.", "32", options.color)
    tripped = report.exit_code(options.fail_on) == 1
    line = f"{summary_line(report)} (fail-on: {options.fail_on})"
    return _paint(line, "31;1" if tripped else "32;1", options.color)
