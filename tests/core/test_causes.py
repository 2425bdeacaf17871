"""One finding per cause: one change, however many operations, probes and sources show it."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard import Finding, Report, Severity, diff_specs
from driftguard.causes import cause_key
from driftguard.formats import FormatOptions, render
from driftguard.formats.markdown import LIMIT
from driftguard.rules import finding


def _schema(rule_id: str, operation: str, **details: object) -> Finding:
    return finding(
        rule_id, operation=operation, location=f"response 200 {details}", details=details
    )


def test_a_shared_component_seen_on_many_operations_is_one_cause() -> None:
    schema = "#/components/schemas/Plan /price"
    findings = [
        _schema(
            "response-property-max-length-unset",
            op,
            property=f"{prefix}price",
            schema=schema,
            old=9,
        )
        for op, prefix in [("GET /plans", "[]/"), ("GET /plans/{id}", ""), ("POST /plans", "")]
    ]
    (cause,) = Report("diff", findings).causes
    assert len(cause.findings) == 3
    assert cause.where() == "in 3 operations: GET /plans, GET /plans/{id}, POST /plans"
    assert cause.message == "response property 'Plan/price' max length removed (was 9)"


def test_a_rename_in_the_spec_and_in_live_responses_is_one_cause() -> None:
    spec = _schema(
        "response-property-renamed",
        "GET /users/{id}",
        property="full_name",
        **{"from": "full_name", "to": "fullName"},
    )
    live = finding(
        "response-field-renamed",
        operation="GET /users/{id}",
        location="get-user $.full_name",
        details={"probe": "get-user", "path": "$.full_name", "from": "full_name", "to": "fullName"},
    )
    (cause,) = Report("check", [spec, live]).causes
    assert cause.sources == ["schema", "response"]
    assert cause.id == "response-property-renamed"  # the schema's message names no probe
    assert cause.where() == "in 1 operation and 1 probe: GET /users/{id}, get-user"


def test_the_same_drift_in_several_probes_and_the_spec_is_one_cause() -> None:
    findings = [
        finding(
            "response-field-type-changed",
            operation=op,
            location=f"{probe} {path}",
            details={"probe": probe, "path": path, "old": "number", "new": "string (numeric)"},
        )
        for op, probe, path in [
            ("GET /plans", "list-plans", "$[*].price"),
            ("GET /plans/{id}", "get-plan", "$.price"),
        ]
    ]
    findings.append(
        _schema(
            "response-property-type-changed",
            "GET /plans/{id}",
            property="price",
            old="number",
            new="string",
        )
    )
    (cause,) = Report("check", findings).causes
    assert len(cause.findings) == 3
    assert cause.sources == ["schema", "response"]


def test_the_same_fuzz_defect_on_several_operations_is_one_cause() -> None:
    crash = [
        finding(
            "server-error",
            operation=op,
            location="exception ZeroDivisionError in ratio",
            details={"cause": "boom", "reproduce": "curl x", "request": {}},
        )
        for op in ("GET /a", "GET /b")
    ]
    other = finding(
        "server-error",
        operation="GET /a",
        location="response 502",
        details={"cause": "bad gateway", "reproduce": "curl y", "request": {}},
    )
    causes = Report("fuzz", [*crash, other]).causes
    assert sorted(len(c.findings) for c in causes) == [1, 2]


def test_a_key_says_what_changed_not_where() -> None:
    one = _schema(
        "response-property-became-nullable",
        "GET /a",
        property="x",
        schema="#/components/schemas/A /x",
    )
    two = _schema(
        "request-property-became-nullable",
        "POST /b",
        property="body/x",
        schema="#/components/schemas/A /x",
    )
    assert cause_key(one) == cause_key(two)
    bound = _schema(
        "response-property-max-length-unset",
        "GET /a",
        property="x",
        schema="#/components/schemas/A /x",
        old=10,
    )
    other = _schema(
        "response-property-max-length-unset",
        "GET /a",
        property="y",
        schema="#/components/schemas/A /y",
        old=10,
    )
    assert cause_key(bound) != cause_key(other)
    assert len(cause_key(one)) == 16


def test_one_transition_on_many_fields_is_one_cause() -> None:
    """A serializer that now writes Decimals as strings changes every such field the same way;
    a bound that went with the type is part of it."""
    findings = [
        _schema(
            "response-property-type-changed", "GET /a", property=name, old="number", new="string"
        )
        for name in ("price", "total", "discount")
    ]
    findings.append(
        Finding(
            "response-property-min-unset",
            Severity.BREAKING,
            "schema",
            "GET /a",
            findings[0].location,
            "minimum removed",
            {"property": "price", "old": 0},
        )
    )
    (cause,) = Report("diff", findings).causes
    assert cause.id == "response-property-type-changed"  # the change, not its consequence
    assert len(cause.findings) == 4


def test_a_cause_has_the_highest_severity_of_its_findings() -> None:
    findings = [
        _schema(
            "request-property-type-changed", "POST /a", property="n", old="integer", new="string"
        ),
        Finding(
            "response-property-type-changed",
            Severity.INFO,
            "schema",
            "GET /a",
            "x",
            "m",
            {"property": "n", "old": "integer", "new": "string"},
        ),
    ]
    (cause,) = Report("diff", findings).causes
    assert cause.severity is Severity.BREAKING


@pytest.fixture(scope="module")
def stripe(specs_dir: Path) -> Report:
    return diff_specs(specs_dir / "stripe-2021-04.json", specs_dir / "stripe-2022-04.json")


def test_stripe_reads_as_a_couple_of_hundred_causes(stripe: Report) -> None:
    assert len(stripe.findings) == 3394
    assert len(stripe.causes) < 250
    assert sum(len(c.findings) for c in stripe.causes) == len(stripe.findings)


def test_stripes_markdown_fits_in_a_github_comment(stripe: Report) -> None:
    text = render(stripe, "markdown", FormatOptions())
    assert len(text) <= 65_536
    detailed = render(stripe, "markdown", FormatOptions(details=True))
    assert len(detailed) <= 65_536
    assert "did not fit in a comment" in detailed  # every finding of Stripe does not
    breaking = [c for c in stripe.causes if c.severity is Severity.BREAKING]
    assert all(c.message.replace("|", "\\|") in detailed for c in breaking)


def test_markdown_keeps_whole_causes_and_says_what_it_left_out() -> None:
    findings = [
        finding("endpoint-added", operation=f"GET /things/{n}", location="", details={"path": "x"})
        for n in range(3000)
    ]
    text = render(Report("diff", findings), "markdown", FormatOptions())
    assert len(text) <= LIMIT + 1000
    assert text.count("| 🔵 info |") < 3000
    assert "more cause(s), from info down, did not fit in a comment" in text
