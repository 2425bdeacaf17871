"""The one model: severities, fingerprints, sorting, summary, exit codes, JSON."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from driftguard import Finding, Report, Severity, UsageError
from driftguard.findings import FailOn
from driftguard.formats.json import report_schema


def make(
    id: str = "response-property-renamed",
    severity: Severity = Severity.BREAKING,
    operation: str | None = "GET /users/{user_id}",
    location: str = "response 200 application/json /full_name",
    message: str = "renamed",
    **details: object,
) -> Finding:
    return Finding(id, severity, "schema", operation, location, message, details)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("breaking", Severity.BREAKING),
        ("ERR", Severity.BREAKING),
        ("Warning", Severity.WARNING),
        ("WARN", Severity.WARNING),
        ("INFO", Severity.INFO),
        (" info ", Severity.INFO),
    ],
)
def test_severity_parse_accepts_contract_names_and_oasdiff_aliases(
    text: str, expected: Severity
) -> None:
    assert Severity.parse(text) is expected


def test_severity_parse_rejects_unknown_level_with_choices() -> None:
    with pytest.raises(UsageError, match=r"unknown severity 'fatal'.*breaking"):
        Severity.parse("fatal")


def test_severity_rank_orders_info_warning_breaking() -> None:
    assert Severity.INFO.rank < Severity.WARNING.rank < Severity.BREAKING.rank


@pytest.mark.parametrize(
    ("fail_on", "severity", "trips"),
    [
        ("breaking", Severity.BREAKING, True),
        ("breaking", Severity.WARNING, False),
        ("warning", Severity.WARNING, True),
        ("warning", Severity.INFO, False),
        ("info", Severity.INFO, True),
        ("never", Severity.BREAKING, False),
    ],
)
def test_fail_on_threshold(fail_on: str, severity: Severity, trips: bool) -> None:
    assert FailOn.parse(fail_on).trips(severity) is trips


def test_fingerprint_depends_on_id_operation_location_only() -> None:
    base = make()
    assert base.fingerprint == make(message="other words", extra=1).fingerprint
    assert base.fingerprint == make(severity=Severity.INFO).fingerprint
    assert base.fingerprint != make(id="response-property-removed").fingerprint
    assert base.fingerprint != make(operation="GET /users").fingerprint
    assert base.fingerprint != make(location="response 200 application/json /name").fingerprint
    assert len(base.fingerprint) == 16
    int(base.fingerprint, 16)


def test_fingerprint_is_stable_across_releases() -> None:
    # Users keep fingerprints in ignore files: this value must never change.
    # sha256("id\x1foperation\x1flocation")[:16]
    assert make().fingerprint == "d6dda3d552fd3040"


def test_report_sorts_by_operation_location_id_and_counts_by_severity() -> None:
    report = Report(
        "diff",
        [
            make(id="b", operation="POST /users", location="x", severity=Severity.INFO),
            make(id="a", operation="GET /users", location="y", severity=Severity.WARNING),
            make(id="c", operation=None, location="", severity=Severity.INFO),
            make(id="a", operation="GET /users", location="x"),
        ],
    )
    assert [(f.operation, f.location, f.id) for f in report.findings] == [
        (None, "", "c"),
        ("GET /users", "x", "a"),
        ("GET /users", "y", "a"),
        ("POST /users", "x", "b"),
    ]
    assert report.summary == {"breaking": 1, "warning": 1, "info": 2}
    assert report.worst is Severity.BREAKING


@pytest.mark.parametrize(
    ("severities", "fail_on", "code"),
    [
        ([], "breaking", 0),
        ([Severity.INFO, Severity.WARNING], "breaking", 0),
        ([Severity.INFO, Severity.WARNING], "warning", 1),
        ([Severity.INFO], "info", 1),
        ([Severity.BREAKING], "never", 0),
        ([Severity.BREAKING], "ERR", 1),
    ],
)
def test_exit_code_follows_fail_on(severities: list[Severity], fail_on: str, code: int) -> None:
    report = Report("check", [make(severity=s, location=str(i)) for i, s in enumerate(severities)])
    assert report.exit_code(fail_on) == code


def test_json_report_has_the_contract_shape_and_validates_against_report_schema() -> None:
    report = Report("diff", [make(**{"from": "full_name", "to": "fullName"})])
    data = json.loads(report.to_json())
    assert data["tool"] == "driftguard"
    assert data["command"] == "diff"
    assert data["summary"] == {
        "breaking": 1,
        "warning": 0,
        "info": 0,
        "causes": {"breaking": 1, "warning": 0, "info": 0},
    }
    (finding,) = data["findings"]
    assert finding == {
        "id": "response-property-renamed",
        "severity": "breaking",
        "source": "schema",
        "operation": "GET /users/{user_id}",
        "location": "response 200 application/json /full_name",
        "message": "renamed",
        "details": {"from": "full_name", "to": "fullName"},
        "fingerprint": report.findings[0].fingerprint,
        "cause": report.causes[0].key,
    }
    jsonschema_rs.validator_for(report_schema()).validate(data)


def test_report_schema_rejects_a_fuzz_finding_without_reproduction() -> None:
    finding = Finding("server-error", Severity.BREAKING, "fuzz", "GET /x", "500", "boom", {})
    data = json.loads(Report("fuzz", [finding]).to_json())
    assert not jsonschema_rs.validator_for(report_schema()).is_valid(data)


def test_report_round_trips_through_json() -> None:
    report = Report("diff", [make(), make(id="x", severity=Severity.INFO)])
    again = Report.from_dict(json.loads(report.to_json()))
    assert again.to_json() == report.to_json()
