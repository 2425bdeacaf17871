"""Release notes: what changed, counted by severity, by operation and by cause.

``--format summary`` is the changelog view of a report (``driftguard diff v1.yaml v2.yaml
--format summary >> CHANGELOG.md``): short Markdown that reads as plain text too. It holds
the run's notes, the counts by severity (:func:`~driftguard.formats._view.summary_line`),
then one line per operation (its findings counted by severity, and its causes in a few words),
then every cause once with how many findings, operations and probes show it. Nothing in it
depends on the clock, so two runs on the same documents give the same text. ``--show``
leaves out the causes below it, and the operations that only they touch, as the other
formats do; the counts still count everything.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from functools import lru_cache
from typing import Any

from driftguard.causes import Cause
from driftguard.findings import Severity
from driftguard.formats._view import SPEC_WIDE, hidden_line, shown_causes, summary_line
from driftguard.report import Report

__all__ = ["render"]

BRIEF = 80  # a cause's message beside an operation is cut to this many characters
PER_OPERATION = 3  # causes named beside an operation; the others are counted


def _counted(counts: Counter[Severity]) -> str:
    return ", ".join(f"{counts[s]} {s.value}" for s in reversed(Severity) if counts[s])


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _operation_lines(report: Report, shown: list[Cause]) -> list[str]:
    """One line per operation that a shown cause touches."""
    causes: dict[str | None, list[Cause]] = {}
    for cause in shown:
        for operation in dict.fromkeys(f.operation for f in cause.findings):
            causes.setdefault(operation, []).append(cause)
    severities: dict[str | None, Counter[Severity]] = {}
    for finding in report.findings:
        severities.setdefault(finding.operation, Counter())[finding.severity] += 1
    order = sorted(causes, key=_by_path)
    lines = []
    for operation in order:
        named = causes[operation]
        text = "; ".join(_brief(cause.message) for cause in named[:PER_OPERATION])
        if len(named) > PER_OPERATION:
            text += f"; and {len(named) - PER_OPERATION} more"
        place = f"`{operation}`" if operation else SPEC_WIDE
        lines.append(f"- {place}: {_counted(severities[operation])}: {text}")
    return lines


@lru_cache(maxsize=4096)
def _brief(message: str) -> str:
    """A cause's message in a few words (one message shows beside many operations)."""
    return textwrap.shorten(message, BRIEF, placeholder=" …")


def _by_path(operation: str | None) -> tuple[bool, str, str]:
    """Operations by path, then method (``GET /rooms`` beside ``POST /rooms``); the whole
    API last."""
    method, _, path = (operation or "").partition(" ")
    return (operation is None, path, method)


def _cause_line(cause: Cause) -> str:
    operations, probes = len(cause.operations), len(cause.probes)
    places = [_plural(operations, "operation")] if operations else []
    if operations == 1:
        places = [f"`{cause.operations[0]}`"]
    if probes:
        places.append(_plural(probes, "probe"))
    where = " and ".join(places) if places else "the whole API"
    findings = _plural(len(cause.findings), "finding")
    return f"- **{cause.severity.value}** {cause.message} (`{cause.id}`): {findings} in {where}"


def render(report: Report, options: Any) -> str:
    out = [f"# {report.title}", ""]
    if report.run.notes:
        out += [*(f"- {note}" for note in report.run.notes), ""]
    if not report.findings:
        out.append("No changes.")
        return "\n".join(out) + "\n"
    out += [f"**{summary_line(report)}**", ""]
    shown = shown_causes(report, options)
    operations = _operation_lines(report, shown)
    out += [f"## By operation ({len(operations)})", "", *operations, ""]
    out += [f"## By cause ({len(shown)})", "", *(_cause_line(c) for c in shown)]
    hidden = hidden_line(report, shown)
    if hidden:
        out += ["", hidden]
    return "\n".join(out) + "\n"
