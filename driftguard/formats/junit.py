"""JUnit XML: one test case per operation, failing when it holds a finding at ``--fail-on``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from xml.etree import ElementTree as ET

from driftguard.findings import Finding
from driftguard.formats.text import SPEC_WIDE
from driftguard.report import Report

__all__ = ["render"]


def _describe(f: Finding) -> str:
    text = f"[{f.severity.value}] {f.id} at {f.location}: {f.message}"
    reproduce = f.details.get("reproduce")
    return f"{text}\n  reproduce: {reproduce}" if reproduce else text


def render(report: Report, options: Any) -> str:
    fail_on = options.fail_on
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.operation or SPEC_WIDE].append(finding)
    for operation in report.run.operations:
        groups.setdefault(operation, [])
    if not groups:
        groups[f"driftguard {report.command}"] = []

    run = report.run
    suite = ET.Element("testsuite", name=f"driftguard {report.command}")
    if run.started is not None:
        suite.set("timestamp", run.started.strftime("%Y-%m-%dT%H:%M:%S"))
    if run.seconds is not None:
        suite.set("time", f"{run.seconds:.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in run.to_dict().items():
        if name != "notes" and value is not None:
            ET.SubElement(properties, "property", name=name, value=str(value))
    failures = 0
    for operation in sorted(groups):
        findings = groups[operation]
        case = ET.SubElement(
            suite, "testcase", classname=f"driftguard.{report.command}", name=operation
        )
        failing = [f for f in findings if fail_on.trips(f.severity)]
        other = [f for f in findings if not fail_on.trips(f.severity)]
        if failing:
            failures += 1
            failure = ET.SubElement(
                case,
                "failure",
                type=failing[0].id,
                message=f"{len(failing)} finding(s) at or above {fail_on}: {failing[0].message}",
            )
            failure.text = "\n".join(_describe(f) for f in failing)
        if other:
            ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in other)
    if run.notes:
        ET.SubElement(suite, "system-out").text = "\n".join(run.notes)
    suite.set("tests", str(len(groups)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
