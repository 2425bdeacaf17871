"""Every format renders the same Report; each is checked for what its consumer parses."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from driftguard import Finding, Report, Severity, UsageError
from driftguard.findings import FailOn
from driftguard.formats import FORMATS, FormatOptions, render


def sample() -> Report:
    return Report(
        "diff",
        [
            Finding(
                "response-property-renamed",
                Severity.BREAKING,
                "schema",
                "GET /users/{user_id}",
                "response 200 application/json /full_name",
                "response property 'full_name' was renamed to 'fullName'",
                {"from": "full_name", "to": "fullName"},
            ),
            Finding(
                "response-optional-property-removed",
                Severity.WARNING,
                "schema",
                "GET /users/{user_id}",
                "response 200 application/json /nick|name",
                "optional property 'nick|name' removed, 100% <sure>",
                {},
            ),
            Finding("api-security-added", Severity.INFO, "schema", None, "security", "added", {}),
            Finding(
                "server-error",
                Severity.BREAKING,
                "fuzz",
                "POST /orders/",
                "500 ZeroDivisionError",
                "server error: ZeroDivisionError",
                {"reproduce": "curl -X POST http://127.0.0.1:8000/orders/ -d '{}'", "request": {}},
            ),
        ],
    )


def test_registry_lists_the_contract_formats_and_summary() -> None:
    assert set(FORMATS) == {"text", "json", "markdown", "junit", "github", "html", "summary"}


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'yaml'"):
        render(sample(), "yaml")


def test_text_leads_with_causes_worst_first_and_has_no_colour_off_a_terminal() -> None:
    text = render(sample(), "text")
    assert "\x1b[" not in text
    assert (
        text.index("renamed to 'fullName'")
        < text.index("server error: ZeroDivisionError")
        < text.index("100% <sure>")
        < text.index("api-security-added")
    )
    assert "breaking  response property 'full_name' was renamed to 'fullName'" in text
    assert "          response-property-renamed in 1 operation: GET /users/{user_id}" in text
    assert "reproduce: curl -X POST" in text
    assert text.rstrip().endswith("2 breaking, 1 warning, 1 info (fail-on: breaking)")


def test_text_details_list_every_finding_and_show_hides_lesser_causes() -> None:
    detailed = render(sample(), "text", FormatOptions(details=True))
    assert "- GET /users/{user_id}  response 200 application/json /full_name" in detailed
    shown = render(sample(), "text", FormatOptions(show=Severity.WARNING))
    assert "api-security-added" not in shown
    assert "1 info cause(s) not shown (--show)" in shown
    assert shown.rstrip().endswith("2 breaking, 1 warning, 1 info (fail-on: breaking)")


def test_text_colours_on_a_terminal() -> None:
    assert "\x1b[31m" in render(sample(), "text", FormatOptions(color=True))


def test_text_says_so_when_nothing_was_found() -> None:
    assert "No findings." in render(Report("diff"), "text")


def test_json_is_the_report() -> None:
    assert json.loads(render(sample(), "json")) == json.loads(sample().to_json())


def test_markdown_escapes_table_cells() -> None:
    text = render(sample(), "markdown")
    assert text.startswith("## driftguard diff\n")
    assert "nick\\|name" in text
    assert "| 🔴 breaking |" in text


def test_junit_is_valid_xml_with_one_case_per_operation_failing_at_fail_on() -> None:
    root = ET.fromstring(render(sample(), "junit").encode())
    (suite,) = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"(whole API)", "GET /users/{user_id}", "POST /orders/"}
    assert suite.get("failures") == "2"
    assert cases["(whole API)"].find("failure") is None
    assert cases["POST /orders/"].find("failure") is not None
    relaxed = ET.fromstring(
        render(sample(), "junit", FormatOptions(fail_on=FailOn.parse("never"))).encode()
    )
    assert relaxed.find("testsuite").get("failures") == "0"  # type: ignore[union-attr]


def test_junit_without_findings_still_has_a_passing_case() -> None:
    root = ET.fromstring(render(Report("check"), "junit").encode())
    assert [c.get("name") for c in root.iter("testcase")] == ["driftguard check"]


def test_github_annotates_causes_and_sums_up_the_rest_in_one_notice() -> None:
    lines = render(sample(), "github").splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::error",
        "::warning",
        "::notice",
    ]
    # no file to attach to: a report built in memory has no target file
    assert lines[0].startswith(
        "::error title=driftguard response-property-renamed::response property 'full_name' "
        "was renamed to 'fullName'%0Aresponse-property-renamed in 1 operation"
    )
    assert "reproduce: curl -X POST" in lines[1]
    assert "100%25 <sure>" in lines[2]  # data escapes %, properties also : and ,
    summary = lines[3]
    assert summary.startswith("::notice title=driftguard diff::4 causes (2 breaking, 1 warning")
    assert "annotated: 2 of 2 breaking, 1 of 1 warning cause(s); 0 left out" in summary
    assert "%0A1 info cause(s), not annotated:%0A- added (api-security-added" in summary


def test_github_show_leaves_lesser_causes_unannotated_but_counted() -> None:
    lines = render(sample(), "github", FormatOptions(show=Severity.BREAKING)).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::error", "::notice"]
    assert "(2 breaking, 1 warning, 1 info)" in lines[-1]
    assert "1 warning, 1 info cause(s) not shown (--show)" in lines[-1]
    assert "api-security-added" not in lines[-1]


def test_html_is_self_contained_and_escaped() -> None:
    page = render(sample(), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "&lt;sure&gt;" in page
    assert page.count("<script") == 1  # the filters' inline script, nothing loaded
    assert "<script>" in page
    assert "http" not in page.split("<body>")[0]  # no external assets
