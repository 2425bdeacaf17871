"""The user's policy over findings: severity overrides and ignored findings, from Config.

Checks emit their catalogue's default severity; this is the one place that changes it.
Each entry point that takes a configuration applies it once, to the report it returns:
``diff_specs``, ``check``, ``fuzz`` and the pytest fixture's checks. The CLI and the plugin
only pass the configuration on, so no finding is judged twice and none escapes the policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftguard.report import Report

if TYPE_CHECKING:
    from driftguard._config import Config

__all__ = ["apply_policy"]


def apply_policy(report: Report, config: Config | None) -> Report:
    """``report`` with ``config``'s ignored findings left out and its severities applied."""
    if config is None or not (config.severity or config.ignore_findings):
        return report
    overrides = config.severity
    findings = []
    for finding in report.findings:
        if config.is_ignored(finding):
            continue
        severity = overrides.get(finding.id)
        findings.append(finding.with_severity(severity) if severity else finding)
    return Report(report.command, findings, run=report.run)
