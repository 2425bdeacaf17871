"""``--format summary``: release notes counted by severity, operation and cause."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import driftguard
from driftguard import Finding, Report, Severity
from driftguard.formats import FormatOptions, render

GOLDEN = Path(__file__).parent / "golden" / "twilio-video.summary.md"
OLD, NEW = "twilio-video-2025-02.yaml", "twilio-video-2025-08.yaml"
OPERATION_LINE = re.compile(r"^- (`(?P<op>[^`]+)`|\(whole API\)): (?P<counts>[^:]+): ")
CAUSE_LINE = re.compile(r"^- \*\*(?P<severity>\w+)\*\* .* \(`(?P<id>[^`]+)`\): (?P<n>\d+) finding")


def _twilio(specs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(specs_dir)  # the report names the files as given
    return driftguard.diff_specs(OLD, NEW)


def test_the_twilio_release_notes_are_as_recorded(
    specs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = render(_twilio(specs_dir, monkeypatch), "summary")
    assert text == GOLDEN.read_text(encoding="utf-8"), (
        f"to accept the new text: cd {specs_dir} && driftguard diff {OLD} {NEW} "
        f"--format summary > {GOLDEN}"
    )


def test_the_summary_counts_what_the_json_report_holds(
    specs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _twilio(specs_dir, monkeypatch)
    data = json.loads(render(report, "json"))
    lines = render(report, "summary").splitlines()

    s = data["summary"]
    assert lines[4] == (
        f"**{len(data['causes'])} causes ({s['causes']['breaking']} breaking, "
        f"{s['causes']['warning']} warning, {s['causes']['info']} info) from "
        f"{len(data['findings'])} findings ({s['breaking']} breaking, {s['warning']} warning, "
        f"{s['info']} info)**"
    )

    by_operation: dict[str | None, Counter[str]] = {}
    for finding in data["findings"]:
        by_operation.setdefault(finding["operation"], Counter())[finding["severity"]] += 1
    shown: dict[str | None, Counter[str]] = {}
    for line in lines:
        match = OPERATION_LINE.match(line)
        if match:
            counts = Counter(
                {
                    level: int(n)
                    for n, level in (part.split() for part in match["counts"].split(", "))
                }
            )
            shown[match["op"]] = counts
    assert shown == by_operation
    assert f"## By operation ({len(by_operation)})" in lines

    causes = [m for m in map(CAUSE_LINE.match, lines) if m]
    assert [(m["severity"], m["id"], int(m["n"])) for m in causes] == [
        (c["severity"], c["id"], len(c["findings"])) for c in data["causes"]
    ]


def test_the_summary_format_on_the_command_line(specs_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "diff", OLD, NEW, "--format", "summary"],
        capture_output=True,
        text=True,
        cwd=specs_dir,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (1, "")  # breaking changes, as always
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def _finding(
    rule: str, severity: Severity, operation: str | None, message: str, **details: str
) -> Finding:
    source = "response" if "probe" in details else "schema"
    return Finding(rule, severity, source, operation, f"at {message}", message, dict(details))


def sample() -> Report:
    long = "response property 'a_very_long_property_name_indeed' became nullable " + "x" * 40
    return Report(
        "check",
        [
            _finding("api-schema-removed", Severity.INFO, None, "component schema Old removed"),
            _finding("endpoint-added", Severity.INFO, "GET /b", "operation added"),
            _finding("response-property-became-nullable", Severity.BREAKING, "GET /a", long),
            _finding(
                "response-field-removed", Severity.BREAKING, "GET /a", "field x gone", probe="get-a"
            ),
            _finding("response-optional-property-added", Severity.INFO, "GET /a", "new y"),
            _finding("response-header-added", Severity.INFO, "GET /a", "header z added"),
            _finding("response-success-status-added", Severity.INFO, "POST /a", "status 201 added"),
        ],
    )


def test_each_operation_in_a_line_with_a_few_causes_in_a_few_words() -> None:
    lines = render(sample(), "summary").splitlines()
    operations = lines[lines.index("## By operation (4)") + 2 : lines.index("## By cause (7)") - 1]
    assert operations == [
        "- `GET /a`: 2 breaking, 2 info: field x gone; response property "
        "'a_very_long_property_name_indeed' became nullable …; header z added; and 1 more",
        "- `POST /a`: 1 info: status 201 added",
        "- `GET /b`: 1 info: operation added",
        "- (whole API): 1 info: component schema Old removed",
    ]
    causes = lines[lines.index("## By cause (7)") + 2 :]
    assert causes[0] == (
        "- **breaking** field x gone (`response-field-removed`): 1 finding in `GET /a` and 1 probe"
    )
    assert causes[2] == (
        "- **info** component schema Old removed (`api-schema-removed`): 1 finding in the whole API"
    )


def test_show_leaves_out_lower_causes_and_the_operations_only_they_touch() -> None:
    text = render(sample(), "summary", FormatOptions(show=Severity.BREAKING))
    lines = text.splitlines()
    assert "## By operation (1)" in lines
    assert "- `GET /a`: 2 breaking, 2 info: field x gone; response property" in text  # all counted
    assert "## By cause (2)" in lines
    assert lines[-1] == "5 info cause(s) not shown (--show)"


def test_a_report_without_findings_says_so_with_its_notes() -> None:
    report = Report("diff")
    report.run.notes.append("compared a (1 operations) with b (1 operations)")
    assert render(report, "summary") == (
        "# driftguard diff\n\n- compared a (1 operations) with b (1 operations)\n\nNo changes.\n"
    )
