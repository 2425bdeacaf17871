"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding,
then one ``::notice`` per note of the run."""

from __future__ import annotations

from typing import Any

from driftguard.findings import Report, Severity

__all__ = ["render"]

_COMMANDS = {Severity.BREAKING: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, options: Any) -> str:
    lines = []
    for f in report.findings:
        props = [f"title={_property(f'driftguard {f.id}')}"]
        subject = f"{f.operation}: " if f.operation else ""
        lines.append(f"::{_COMMANDS[f.severity]} {','.join(props)}::{_data(subject + f.message)}")
    title = _property(report.title)
    lines += [f"::notice title={title}::{_data(note)}" for note in report.run.notes]
    return "".join(line + "\n" for line in lines)
