"""Markdown for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: causes first.

GitHub refuses a comment over 65,536 characters, so the page holds whole causes, the most
severe first, until it would pass :data:`LIMIT`, then says how many it left out and where
the whole report is. ``--details`` adds each cause's findings in a collapsed block.
"""

from __future__ import annotations

from typing import Any

from driftguard.causes import Cause
from driftguard.findings import Severity
from driftguard.formats._view import SPEC_WIDE, hidden_line, run_facts, shown_causes, summary_line
from driftguard.report import Report

__all__ = ["LIMIT", "render"]

# GitHub's limit for a comment is 65,536 characters; leave room for the closing lines.
LIMIT = 64_000
_ICONS = {Severity.BREAKING: "🔴", Severity.WARNING: "🟡", Severity.INFO: "🔵"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text and "`" not in text else _cell(text)


def _row(cause: Cause) -> str:
    return (
        f"| {_ICONS[cause.severity]} {cause.severity.value} | {_cell(cause.message)} "
        f"| {_code(cause.id)} | {_cell(cause.where())} |"
    )


def _findings(cause: Cause) -> list[str]:
    rows = [
        f"| {_code(f.operation or SPEC_WIDE)} | {_code(f.location)} | {_cell(f.message)} |"
        for f in cause.findings
    ]
    return [
        "",
        f"<details><summary>{len(cause.findings)} finding(s) of <code>{cause.id}</code></summary>",
        "",
        "| operation | where | finding |",
        "|---|---|---|",
        *rows,
        "",
        "</details>",
        "",
    ]


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
    out += [f"**{summary_line(report)}** (fail-on: {options.fail_on})", ""]
    head = ["| | change | id | where |", "|---|---|---|---|"]
    shown = shown_causes(report, options)
    size = sum(len(line) + 1 for line in out) + sum(len(line) + 1 for line in head)
    rows: list[str] = []
    blocks: list[str] = []  # with --details, each cause's findings, after the table
    left_out: list[Cause] = []
    for cause in shown:
        row = _row(cause)
        block = _findings(cause) if options.details else []
        cost = len(row) + 1 + sum(len(line) + 1 for line in block)
        if left_out or size + cost > LIMIT:
            left_out.append(cause)
            continue
        rows.append(row)
        blocks += block
        size += cost
    out += head + rows + blocks
    hidden = hidden_line(report, shown)
    if hidden:
        out += ["", hidden]
    if left_out:
        worst = left_out[0].severity.value
        out += [
            "",
            f"_{len(left_out)} more cause(s), from {worst} down, did not fit in a comment: the "
            "whole report is in `driftguard ... --format json --output report.json` or "
            "`--format html --output report.html`._",
        ]
    return "\n".join(out) + "\n"
