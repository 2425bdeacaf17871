"""Boundary values at default settings, and a repeated create that crashes.

Every planted defect of tests/fuzzing/boundary_apps.py is found with no ``max_examples``
raised, under the same fingerprints with the same seed twice, and each control stays clean.
"""

from __future__ import annotations

import json
import math

import pytest

from driftguard import Report, Severity, fuzz
from driftguard.fuzzing.boundaries import (
    INT64,
    SURROGATE,
    Boundary,
    body_text,
    boundary_values,
    form_text,
)
from tests.documents import run
from tests.fuzzing import apps, boundary_apps
from tests.servers import serve


def keys(report: Report) -> set[tuple[str, str | None, str]]:
    return {(f.id, f.operation, f.location) for f in report.findings}


@pytest.mark.parametrize(
    "planted", boundary_apps.BOUNDARY_PLANTED, ids=lambda planted: planted.app.__name__
)
def test_boundary_defects_are_found_at_default_settings_the_same_twice(
    planted: apps.Planted,
) -> None:
    first = fuzz(planted.app(), seed=11)
    for defect in planted.defects:
        assert defect in keys(first), first.to_json()
    assert [f for f in first.findings if f.operation == planted.control] == []
    again = fuzz(planted.app(), seed=11)
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in first.findings]


def test_the_boundary_that_crashes_is_the_request_kept() -> None:
    report = fuzz(boundary_apps.float_readings(), seed=3)
    (crash,) = [f for f in report.findings if f.operation == "POST /readings"]
    assert "Out of range float values are not JSON compliant" in crash.message
    body = crash.details["request"]["body"]
    # sent as the JSON text a client writes: NaN, Infinity or 1e400, read by Python as such
    assert body is None or not math.isfinite(body["value"])


def test_calendar_edges_are_found_over_real_http() -> None:
    with serve(boundary_apps.calendar()) as url:
        report = fuzz(url, seed=5, allow_unsafe=True)  # our own service
    assert keys(report) == {
        ("server-error", "POST /events", "response 500"),
        ("server-error", "POST /deliveries", "response 500"),
        # FastAPI's own 422 handler, echoing a refused lone surrogate: one for the whole app
        ("server-error", None, "response 500 with a lone surrogate"),
    }
    bodies = {f.operation: f.details["request"]["body"] for f in report.findings}
    assert bodies["POST /deliveries"] == {"ordered": "9999-12-31"}
    assert bodies["POST /events"] == {"at": "2024-01-01T00:00:00"}


def test_integer_boundaries_are_the_bounds_just_outside_and_beyond_int64() -> None:
    schema = {"type": "integer", "minimum": 1, "maximum": 100}
    values = [b.value for b in boundary_values(schema, schema)]
    assert values[:4] == [1, 0, 100, 101]
    assert {-1, -(INT64 + 1), INT64, 2**64} <= set(values)
    assert "-0" in [b.text for b in boundary_values(schema, schema)]


def test_strings_get_nul_long_and_calendar_edges() -> None:
    date = {"type": "string", "format": "date"}
    stamp = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
    assert {"", "a\x00b", "0001-01-01", "9999-12-31"} <= {
        b.value for b in boundary_values(date, date)
    }
    labels = {b.label for b in boundary_values(stamp, stamp)}
    assert {"naive", "aware", "year 9999", "long", "lone surrogate"} <= labels
    assert boundary_values({"type": "boolean"}, {}) == []
    (surrogate,) = [b for b in boundary_values(date, date) if b.surrogate]
    assert surrogate.value == SURROGATE == "a\ud800b"
    assert surrogate.crash_only  # never judged valid or invalid: no text at all


def test_numbers_get_both_infinities_and_negative_zero() -> None:
    number = {"type": "number", "maximum": 100}
    texts = {b.text for b in boundary_values(number, number)}
    assert {"1e400", "-1e400", "NaN", "Infinity", "-Infinity"} <= texts
    values = [b.value for b in boundary_values(number, number)]
    assert any(v == 0 and math.copysign(1, v) < 0 for v in values)  # -0.0
    assert -1 in values  # below an upper bound only


def test_body_text_reaches_nested_fields_and_escapes_a_surrogate() -> None:
    body = {"lines": [{"seats": 1, "sku": "a"}], "note": "x"}
    huge = Boundary(math.inf, "1e400", text="1e400")
    assert body_text(body, ("lines", 0, "seats"), huge) == (
        b'{"lines": [{"seats": 1e400, "sku": "a"}], "note": "x"}'
    )
    assert body == {"lines": [{"seats": 1, "sku": "a"}], "note": "x"}  # the base is kept
    lone = Boundary(SURROGATE, "lone surrogate", crash_only=True, surrogate=True)
    assert body_text(body, "note", lone).endswith(b'"note": "a\\ud800b"}')


def test_form_text_sends_every_byte_of_a_login_form() -> None:
    nul = Boundary("a\x00b", "NUL byte")
    form = {"username": "ann@example.com", "password": "x", "scopes": ["a", "b"]}
    sent = b"username=ann%40example.com&password=a%00b&scopes=a&scopes=b"
    assert form_text(form, "password", nul) == sent
    negative_zero = Boundary(0, "-0", text="-0")
    assert form_text({"count": 1}, "count", negative_zero) == b"count=-0"


def test_body_text_writes_what_json_encoders_refuse() -> None:
    huge = Boundary(math.inf, "1e400", text="1e400")
    assert body_text({"value": 1, "name": "x"}, "value", huge) == b'{"value": 1e400, "name": "x"}'
    assert json.loads(body_text({}, "value", huge)) == {"value": math.inf}
    nan = Boundary(math.nan, "NaN", text="NaN", is_json=False)
    assert body_text({}, "value", nan) == b'{"value": NaN}'


def test_a_create_that_crashes_when_repeated_is_its_own_cause() -> None:
    report = fuzz(boundary_apps.unique_accounts(), seed=4)
    accounts = {f.id: f for f in report.findings if f.operation == "POST /accounts"}
    repeated = accounts["duplicate-create-server-error"]
    assert repeated.severity is Severity.BREAKING
    assert repeated.location == "repeated create"
    assert "IntegrityError" in repeated.message
    assert "concurrency-conflict" not in accounts
    assert [f for f in report.findings if f.operation == "POST /profiles"] == []


def test_a_real_race_is_a_concurrency_conflict_only() -> None:
    report = fuzz(apps.racy_ids(), seed=9, concurrency=4)
    bookings = {f.id for f in report.findings if f.operation == "POST /bookings"}
    assert bookings == {"concurrency-conflict"}


def test_the_checks_command_lists_the_new_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["checks", "--format", "json"], capsys)
    (entry,) = [e for e in json.loads(out) if e["id"] == "duplicate-create-server-error"]
    assert code == 0
    assert (entry["severity"], entry["source"]) == ("breaking", "fuzz")
    assert "IntegrityError" in entry["description"]
