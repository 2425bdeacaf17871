"""Every planted defect is found with the right id and operation; the controls stay clean."""

from __future__ import annotations

import pytest

from driftguard import Report, Severity, fuzz
from tests.fuzzing import apps
from tests.servers import serve

EXAMPLES = 10


def keys(report: Report) -> set[tuple[str, str | None, str]]:
    return {(f.id, f.operation, f.location) for f in report.findings}


@pytest.mark.parametrize("planted", apps.PLANTED, ids=lambda planted: planted.app.__name__)
def test_planted_defects_are_found_and_control_is_clean(planted: apps.Planted) -> None:
    report = fuzz(planted.app(), max_examples=EXAMPLES, seed=7)
    for defect in planted.defects:
        assert defect in keys(report), report.to_json()
    assert [f for f in report.findings if f.operation == planted.control] == []
    for finding in report.findings:
        assert finding.source == "fuzz"
        assert finding.details["reproduce"].startswith(("curl ", "printf ", "CREATED_ID=$(curl "))
        assert set(finding.details["request"]) == {"method", "path", "query", "headers", "body"}


def test_unenforced_schema_reports_fields_not_requests() -> None:
    report = fuzz(apps.unenforced_schema(), max_examples=EXAMPLES, seed=1)
    widgets = [f for f in report.findings if f.operation == "POST /widgets"]
    assert {f.id for f in widgets} == {"accepted-invalid-input"}
    locations = {f.location for f in widgets}
    # one finding per field, however many generated requests showed it
    assert {"request body /name", "request body /quantity"} <= locations
    assert len(widgets) == len(locations)
    assert all(f.severity is Severity.BREAKING for f in widgets)


def test_an_exception_escaping_the_app_is_a_finding_with_its_type_and_message() -> None:
    report = fuzz(apps.crash(), max_examples=EXAMPLES, seed=2)
    (finding,) = [f for f in report.findings if f.id == "server-error"]
    exception = finding.details["exception"]
    assert exception["type"] == "ZeroDivisionError"
    assert exception["message"] == "division by zero"
    assert exception["where"].endswith("in price_order")
    assert "ZeroDivisionError: division by zero" in finding.message
    # shrunk to the boundary that crashes: nothing but the zero that divides
    assert finding.details["request"]["body"] == {"total": 0, "quantity": 0}


def test_auth_is_tried_without_and_with_invalid_credentials() -> None:
    report = fuzz(apps.unenforced_auth(), max_examples=EXAMPLES, seed=3)
    found = {f.location: f for f in report.findings if f.id == "auth-not-enforced"}
    assert set(found) == {"without credentials", "with invalid credentials"}
    assert "Authorization" not in found["without credentials"].details["request"]["headers"]
    invalid = found["with invalid credentials"].details["request"]["headers"]["Authorization"]
    assert invalid == "Bearer driftguard-invalid-credential"


def test_authenticated_fuzzing_reaches_the_protected_operation() -> None:
    headers = {"Authorization": f"Bearer {apps.GOOD_TOKEN}"}
    report = fuzz(apps.unenforced_auth(), max_examples=EXAMPLES, seed=4, headers=headers)
    assert ("auth-not-enforced", "GET /profile") not in {(f.id, f.operation) for f in report}
    assert ("auth-not-enforced", "GET /reports", "with invalid credentials") in keys(report)
    assert apps.GOOD_TOKEN not in report.to_json()


def test_a_crash_under_concurrency_names_the_exception() -> None:
    report = fuzz(apps.racy_ids(), max_examples=EXAMPLES, seed=9, concurrency=4)
    (finding,) = [f for f in report.findings if f.operation == "POST /bookings"]
    assert finding.id == "concurrency-conflict"
    assert "RuntimeError: two bookings at once" in finding.message
    assert finding.details["concurrency"] == 4
    alone = fuzz(apps.racy_ids(), max_examples=EXAMPLES, seed=9, concurrency=1)
    # left: FastAPI's own 422 handler crashing on a lone surrogate, a finding of the whole app
    assert [(f.id, f.operation, f.location) for f in alone.findings] == [
        ("server-error", None, "exception UnicodeEncodeError")
    ]


def test_found_over_real_http() -> None:
    with serve(apps.crash()) as url:
        report = fuzz(url, max_examples=EXAMPLES, seed=5, allow_unsafe=True)  # our own service
    crashes = [f for f in report.findings if f.id == "server-error"]
    assert [(f.operation, f.location) for f in crashes] == [
        ("POST /orders", "response 500 with zero or empty body /quantity")
    ]
    assert crashes[0].details["reproduce"].startswith(f"curl -X POST {url}/orders ")
    assert [f for f in report.findings if f.operation == "POST /quotes"] == []


def test_auth_over_real_http() -> None:
    with serve(apps.unenforced_auth()) as url:
        report = fuzz(url, max_examples=EXAMPLES, seed=6)
    assert {(f.id, f.operation) for f in report.findings} == {("auth-not-enforced", "GET /reports")}


def test_module_attr_target_is_imported_and_called_in_process() -> None:
    report = fuzz("tests.fuzzing.apps:broken", max_examples=EXAMPLES, seed=8)
    (finding,) = report.findings
    assert finding.id == "response-schema-violation"
    assert finding.details["serve"] == "uvicorn tests.fuzzing.apps:broken"
    assert finding.details["reproduce"].startswith("curl http://127.0.0.1:8000/prices/")
