"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from driftguard.findings import Finding, Report, Severity
from driftguard.formats.text import SPEC_WIDE, run_facts, summary_line

__all__ = ["render"]

_ICONS = {Severity.BREAKING: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text and "`" not in text else _cell(text)


def render(report: Report, options: Any) -> str:
    out = [f"## {report.title}", ""]
    facts = run_facts(report.run)
    if facts:
        out += [f"<sub>{_cell(' · '.join(facts))}</sub>", ""]
    if report.run.notes:
        out += [*(f"- {_cell(note)}" for note in report.run.notes), ""]
    if not report.findings:
        out.append("No findings. ✅")
        return "\n".join(out) + "\n"
    out.append(f"**{summary_line(report)}** (fail-on: {options.fail_on})")
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.operation or SPEC_WIDE].append(finding)
    for operation, findings in groups.items():
        out += ["", f"### {_code(operation)}", "", "| | change | id | where |", "|---|---|---|---|"]
        for f in sorted(findings, key=lambda f: (-f.severity.rank, f.location, f.id)):
            out.append(
                f"| {_ICONS[f.severity]} {f.severity.value} | {_cell(f.message)} "
                f"| {_code(f.id)} | {_code(f.location)} |"
            )
    return "\n".join(out) + "\n"
