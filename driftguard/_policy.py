"""The user's policy over findings: severity overrides and ignored findings, from Config.

Checks emit their catalogue's default severity; this is the one place that changes it, so
``diff``, ``check``, ``fuzz`` and the pytest plugin all honour the same configuration.
"""

from __future__ import annotations

from typing import Any

from driftguard.findings import Report

__all__ = ["apply_config"]


def apply_config(report: Report, config: Any) -> Report:
    overrides = config.severity
    findings = []
    for finding in report.findings:
        if config.is_ignored(finding):
            continue
        severity = overrides.get(finding.id)
        findings.append(finding.with_severity(severity) if severity else finding)
    return Report(report.command, findings, meta=report.meta)
