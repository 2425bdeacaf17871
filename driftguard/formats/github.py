"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding."""

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
    file = report.meta.get("file")
    for f in report.findings:
        props = [f"title={_property(f'driftguard {f.id}')}"]
        if file:
            props.insert(0, f"file={_property(str(file))}")
        subject = f"{f.operation}: " if f.operation else ""
        lines.append(f"::{_COMMANDS[f.severity]} {','.join(props)}::{_data(subject + f.message)}")
    return "".join(line + "\n" for line in lines)
