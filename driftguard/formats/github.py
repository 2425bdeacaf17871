"""GitHub Actions workflow commands: an annotation per cause that matters, on its line.

GitHub shows only the first 10 annotations of each type per step (and 50 per job), so a
report of thousands of findings cannot be one annotation each: the reader would see ten
arbitrary ones. Instead:

- each breaking cause is an ``::error`` and each warning cause a ``::warning``, the most
  severe first, at most :data:`LIMIT` of each; a cause below ``--show`` is not annotated;
- an annotation is attached (``file=``, ``line=``) to where the change is: the element in
  the new document when it is a file, the probe's record for response drift
  (:mod:`driftguard.formats._places`), so that it appears on the pull request's diff;
- one ``::notice`` sums the run up: causes and findings by severity, what was annotated
  and what was left out, and the info causes, which are worth knowing but not a line each;
- then the run's notes, one ``::notice`` each, as every format shows them.
"""

from __future__ import annotations

from typing import Any

from driftguard.causes import Cause
from driftguard.findings import Severity
from driftguard.formats._places import Place, place_causes
from driftguard.formats._view import hidden_line, shown_causes
from driftguard.report import Report

__all__ = ["LIMIT", "render"]

# GitHub shows the first 10 annotations of each type per step: more would be hidden.
LIMIT = 10
_INFO_LISTED = 10  # info causes named in the summary notice
_COMMANDS = {Severity.BREAKING: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **properties: str | int | None) -> str:
    props = ",".join(f"{k}={_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{kind} {props}::{_data(message)}" if props else f"::{kind}::{_data(message)}"


def _message(cause: Cause, place: Place | None) -> str:
    count = len(cause.findings)
    lines = [cause.message, f"{cause.id} {cause.where()} ({count} finding{'s' * (count != 1)})"]
    if place is not None and place.note:
        lines.append(place.note)
    reproduce = cause.findings[0].details.get("reproduce")
    if reproduce:
        lines.append(f"reproduce: {reproduce}")
    return "\n".join(lines)


def _annotation(cause: Cause, place: Place | None) -> str:
    return _command(
        _COMMANDS[cause.severity],
        _message(cause, place),
        file=place.file if place else None,
        line=place.line if place else None,
        title=f"driftguard {cause.id}",
    )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[s.value]} {s.value}" for s in reversed(Severity))


def _summary(report: Report, options: Any, shown: list[Cause], annotated: list[Cause]) -> list[str]:
    causes, findings = len(report.causes), len(report.findings)
    if not findings:
        return ["No findings."]
    lines = [
        f"{causes} cause{'s' * (causes != 1)} ({_counts(report.cause_summary)}) from "
        f"{findings} finding{'s' * (findings != 1)} ({_counts(report.summary)}); "
        f"fail-on: {options.fail_on}"
    ]
    parts = []
    for severity in (Severity.BREAKING, Severity.WARNING):
        total = sum(1 for c in shown if c.severity is severity)
        if total:
            done = sum(1 for c in annotated if c.severity is severity)
            parts.append(f"{done} of {total} {severity.value}")
    left = sum(1 for c in shown if c.severity is not Severity.INFO) - len(annotated)
    if parts:
        lines.append(f"annotated: {', '.join(parts)} cause(s); {left} left out")
    if left:
        lines.append(
            f"GitHub shows {LIMIT} annotations of each type per step: the whole report is in "
            "--format json or --format html (--output FILE)"
        )
    hidden = hidden_line(report, shown)
    if hidden:
        lines.append(hidden)
    info = [c for c in shown if c.severity is Severity.INFO]
    if info:
        lines.append(f"{len(info)} info cause(s), not annotated:")
        lines += [f"- {c.message} ({c.id}, {c.where(limit=2)})" for c in info[:_INFO_LISTED]]
        if len(info) > _INFO_LISTED:
            lines.append(f"- and {len(info) - _INFO_LISTED} more")
    return lines


def _places(report: Report, annotated: list[Cause]) -> dict[str, Place]:
    """Where each annotated cause is; none at all if that fails, since an annotation
    without a file still tells the change, and a CI step must not fail for want of a line."""
    if not annotated:
        return {}
    try:
        return place_causes(annotated, report.run, report.command)
    except Exception:
        return {}


def render(report: Report, options: Any) -> str:
    shown = shown_causes(report, options)
    annotated = [
        *[c for c in shown if c.severity is Severity.BREAKING][:LIMIT],
        *[c for c in shown if c.severity is Severity.WARNING][:LIMIT],
    ]
    places = _places(report, annotated)
    lines = [_annotation(cause, places.get(cause.key)) for cause in annotated]
    title = report.title
    lines.append(
        _command("notice", "\n".join(_summary(report, options, shown, annotated)), title=title)
    )
    lines += [_command("notice", note, title=title) for note in report.run.notes]
    return "".join(line + "\n" for line in lines)
