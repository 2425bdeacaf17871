"""The one model: severities, fingerprints, sorting, summary, exit codes, JSON."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _beyond_4300_digits(extra: int) -> int:
    return 10 ** (5000 + extra)


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.integers(0, 1).map(_beyond_4300_digits)
    | st.just("lone \ud800 surrogate")
    | st.sampled_from([Severity.BREAKING, 1.5j, b"bytes"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=2).map(tuple)
        | st.dictionaries(st.text(max_size=3) | st.integers(0, 3), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=5), _VALUES, max_size=4))
def test_the_json_report_is_what_the_json_module_writes(data: dict[str, Any]) -> None:
    """The report writes plain values itself (faster than json's indented encoder), and
    leaves the rest to _io.json_text: the text is json_text's either way."""
    from driftguard._io import json_text
    from driftguard.report import _indented

    text = _indented(data)
    assert text is None or text == json_text(data, indent=2)


def test_a_plain_json_report_is_written_without_the_json_module() -> None:
    from driftguard.report import _indented

    details = {"a": [1, 2.5, None, True, {"b": 'ü\n"x"'}], "c": {}, "d": [], "e": (1,)}
    report = Report("diff", [Finding("x", Severity.INFO, "schema", "GET /", "l", "m", details)])
    assert report.to_json() == json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    assert _indented(report.to_dict()) == report.to_json()
    assert _indented({"a": float("nan")}) is None
    assert _indented({"a": "\udc00"}) is None
    assert _indented({1: "a"}) is None
