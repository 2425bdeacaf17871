"""Comparing shapes: every response-field-* id, with probe and path, and nothing for values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from driftguard import Severity
from driftguard.renames import respelling_score
from driftguard.shapes import Shape, compare_response, compare_shapes, infer_shape


def ids(old: Any, new: Any, **kwargs: Any) -> list[tuple[str, str]]:
    report = compare_shapes(infer_shape(old), new, probe="p", **kwargs)
    return [(f.id, f.details["path"]) for f in report.findings]


def test_same_shape_different_values_is_clean() -> None:
    old = {
        "id": "6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11",
        "created_at": "2024-05-01T12:00:00Z",
        "token": "abc",
        "n": 1,
        "items": [{"x": 1.5}],
    }
    new = {
        "id": "0a1b2c3d-4b51-4c35-9e7f-0e9b7b0c8a11",
        "created_at": "2025-01-02T03:04:05.678Z",
        "token": "zzzzzz",
        "n": 99,
        "items": [{"x": 7.25}, {"x": 0.5}],
    }
    assert ids(old, new) == []


def test_removed_and_added_fields() -> None:
    assert ids({"a": 1, "b": "x"}, {"a": 1, "zzz": True}) == [
        ("response-field-removed", "$.b"),
        ("response-field-added", "$.zzz"),
    ]


def test_a_field_that_was_optional_and_is_absent_is_not_removed() -> None:
    old = [{"a": 1, "b": 2}, {"a": 1}]
    assert ids(old, [{"a": 5}]) == []


def test_a_required_field_missing_from_some_items_is_reported() -> None:
    report = compare_shapes(infer_shape([{"a": 1}]), [{"a": 1}, {}], probe="p")
    [finding] = report.findings
    assert finding.id == "response-field-removed"
    assert finding.details["path"] == "$[*].a"
    assert finding.details["missing"] == "in some items"


@pytest.mark.parametrize(
    ("before", "after"),
    [("full_name", "fullName"), ("full_name", "FullName"), ("full_name", "full-name")],
)
def test_renames_by_name(before: str, after: str) -> None:
    report = compare_shapes(infer_shape({before: "Ada"}), {after: "Grace"}, probe="get-user")
    [finding] = report.findings
    assert finding.id == "response-field-renamed"
    assert finding.severity is Severity.BREAKING
    assert finding.source == "response"
    assert finding.details["from"] == before
    assert finding.details["to"] == after
    assert finding.details["probe"] == "get-user"
    assert finding.details["path"] == "$.full_name"
    assert f"{before} -> {after}" in finding.message


def test_rename_by_the_same_sample_value() -> None:
    old = {"email": "ada@example.com", "n": 1}
    new = {"contact": "ada@example.com", "n": 1}
    assert ids(old, new) == [("response-field-renamed", "$.email")]


def test_unrelated_names_with_different_values_are_not_a_rename() -> None:
    assert ids({"colour": "red"}, {"size": "XL"}) == [
        ("response-field-removed", "$.colour"),
        ("response-field-added", "$.size"),
    ]


def test_a_rename_needs_the_same_shape() -> None:
    assert sorted(ids({"full_name": "Ada"}, {"fullName": 3})) == [
        ("response-field-added", "$.fullName"),
        ("response-field-removed", "$.full_name"),
    ]


def test_a_renamed_field_is_still_compared() -> None:
    old = {"created_at": "2024-05-01T12:00:00+00:00"}
    new = {"createdAt": "2024-05-01T12:00:00Z"}
    assert ids(old, new) == [
        ("response-field-format-changed", "$.createdAt"),
        ("response-field-renamed", "$.created_at"),
    ]


def test_the_responses_and_the_spec_judge_renames_alike() -> None:
    """One judge: a re-spelling the schema diff calls a rename is one in responses too."""
    for before, after in [("email", "email_address"), ("colour", "color"), ("addr", "address")]:
        assert respelling_score(before, after) > 0
        assert ids({before: "x"}, {after: "y"}) == [("response-field-renamed", f"$.{before}")]
    for before, after in [("colour", "size"), ("id", "valid"), ("price", "amount")]:
        assert respelling_score(before, after) == 0
        assert len(ids({before: "x"}, {after: "y"})) == 2  # removed and added


@pytest.mark.parametrize(
    ("old", "new", "expected_old", "expected_new"),
    [
        (10.5, "10.50", "number", "string (numeric, 2 decimals)"),
        (90.5, "PT1M30.5S", "number", "string (duration)"),
        ({"a": 1}, [1], "object", "array"),
        ("x", 3, "string", "integer"),
    ],
)
def test_type_changes(old: Any, new: Any, expected_old: str, expected_new: str) -> None:
    report = compare_shapes(infer_shape({"v": old}), {"v": new}, probe="p")
    [finding] = report.findings
    assert finding.id == "response-field-type-changed"
    assert (finding.details["old"], finding.details["new"]) == (expected_old, expected_new)


def test_integer_and_number_compatibility() -> None:
    assert ids({"v": 1.5}, {"v": 2}) == []  # an integral value of a float field
    report = compare_shapes(infer_shape({"v": 1}), {"v": 1.0}, probe="p")
    [finding] = report.findings
    assert finding.id == "response-field-format-changed"
    assert finding.severity is Severity.WARNING
    assert (finding.details["old"], finding.details["new"]) == ("integer", "number (float)")


def test_became_nullable() -> None:
    assert ids({"v": "x"}, {"v": None}) == [("response-field-became-nullable", "$.v")]
    assert ids({"v": None}, {"v": "x"}) == []  # nothing was known about it
    assert ids([{"v": None}, {"v": 1}], [{"v": 2}]) == []  # it was already nullable


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2024-05-01T12:00:00+00:00", "2024-05-01T12:00:00Z"),
        ("https://example.com", "https://example.com/"),
        ("10.50", "10.5"),
        ("6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11", "6F1C1F36-4B51-4C35-9E7F-0E9B7B0C8A11"),
        ("2024-05-01T12:00:00Z", "2024-05-01"),
        ("2024-05-01T12:00:00Z", "soon"),
    ],
)
def test_format_changes(old: str, new: str) -> None:
    report = compare_shapes(infer_shape({"v": old}), {"v": new}, probe="p")
    [finding] = report.findings
    assert finding.id == "response-field-format-changed"
    assert finding.severity is Severity.WARNING
    assert finding.details["old"] != finding.details["new"]


def test_weak_formats_may_disappear() -> None:
    assert ids({"code": "123"}, {"code": "A12"}) == []  # digits that became letters: a value
    assert ids({"v": "plain"}, {"v": "2024-05-01"}) == []  # a string may be any string


def test_array_items_changed_is_reported_at_the_item_path() -> None:
    assert ids({"tags": ["a"]}, {"tags": [1]}) == [("response-array-items-changed", "$.tags[*]")]
    assert ids({"tags": ["a"]}, {"tags": [None]}) == [("response-array-items-changed", "$.tags[*]")]
    assert ids({"tags": []}, {"tags": [1]}) == []  # nothing known about the items before


def test_nested_item_fields_use_item_paths() -> None:
    old = {"lines": [{"unit_price": 1.5}]}
    new = {"lines": [{"unit_price": "1.50"}]}
    assert ids(old, new) == [("response-field-type-changed", "$.lines[*].unit_price")]


def test_ignore_skips_paths_on_both_sides() -> None:
    old = {"created_at": "2024-05-01T12:00:00+00:00", "meta": {"ts": 1}, "x": 1}
    new = {"created_at": 5, "meta": {}, "x": 1}
    assert ids(old, new, ignore=["$..created_at", "$.meta.ts"]) == []
    assert ids(old, new) != []


def test_findings_carry_operation_and_a_stable_location() -> None:
    report = compare_shapes(
        infer_shape({"a": 1}), {"a": "x"}, probe="get-user", operation="GET /users/{id}"
    )
    [finding] = report.findings
    assert finding.operation == "GET /users/{id}"
    assert finding.location == "get-user $.a"
    assert report.command == "check"


def test_compare_accepts_a_shape_or_json() -> None:
    old = infer_shape({"a": 1})
    assert compare_shapes(old, infer_shape({"b": 1}), probe="p").findings
    assert compare_shapes(old, {"b": 1}, probe="p").findings


def test_benchmark_sized_rename_gives_one_finding() -> None:
    old = [{"id": i, "customer_email": f"u{i}@example.com", "n": i * 1.5} for i in range(2000)]
    new = [{"id": i, "customerEmail": f"u{i}@example.com", "n": i * 1.5} for i in range(2000)]
    assert ids(old, new) == [("response-field-renamed", "$[*].customer_email")]


@dataclass(frozen=True)
class Recorded:
    status: int | None
    media_type: str | None
    shape: Shape | None
    error: str | None = None


def test_status_change_is_reported_alone() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(404, "application/json", infer_shape({"detail": "x"}))
    report = compare_response(old, new, probe="get-user", operation="GET /users/{id}")
    assert [(f.id, f.details["old"], f.details["new"]) for f in report] == [
        ("response-status-changed", 200, 404)
    ]
    assert report.findings[0].details["probe"] == "get-user"


def test_no_answer_at_all_says_why() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(0, None, None, error="no answer within 1s")
    (finding,) = compare_response(old, new, probe="get-user").findings
    assert finding.id == "response-status-changed"
    assert finding.message == "get-user answered nothing (no answer within 1s) instead of 200"


def test_content_type_change() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(200, "text/html", None)
    [finding] = compare_response(old, new, probe="p").findings
    assert finding.id == "response-content-type-changed"
    assert (finding.details["old"], finding.details["new"]) == ("application/json", "text/html")


def test_response_shapes_are_compared_when_status_and_type_match() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(200, "application/json", infer_shape({"a": None}))
    [finding] = compare_response(old, new, probe="p").findings
    assert finding.id == "response-field-became-nullable"


def test_parsed_json_has_no_status_to_compare() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(None, None, infer_shape({"a": 1}))
    assert compare_response(old, new, probe="p").findings == []


def test_a_body_that_is_gone_is_a_type_change() -> None:
    old = Recorded(200, "application/json", infer_shape({"a": 1}))
    new = Recorded(200, "application/json", None)
    [finding] = compare_response(old, new, probe="p").findings
    assert (finding.id, finding.details["new"]) == ("response-field-type-changed", "no JSON body")


SLASHES = [
    "https://a.example/",
    "https://b.example/",
    "https://c.example/",
    "https://d.example",
    "https://e.example",
]


@pytest.mark.parametrize(
    ("live", "reported"),
    [
        (["https://x.example/"] * 4, False),  # all in a recorded spelling
        (["https://x.example"] * 2, False),  # all in the other recorded one
        (SLASHES[::-1], False),
    ],
)
def test_a_mixed_field_allows_the_spellings_it_was_recorded_with(
    live: list[str], reported: bool
) -> None:
    found = ids({"links": [{"url": u} for u in SLASHES]}, {"links": [{"url": u} for u in live]})
    assert bool(found) is reported


def test_a_mixed_field_reports_a_spelling_never_recorded() -> None:
    old = {"events": [{"at": "2024-05-01T12:00:00Z"}, {"at": "2024-05-01T12:00:00+00:00"}]}
    new = {"events": [{"at": "2024-05-02T08:00:00"}, {"at": "2024-05-02T09:00:00"}]}
    report = compare_shapes(infer_shape(old), new, probe="p")
    [found] = report.findings
    assert (found.id, found.details["path"]) == ("response-field-format-changed", "$.events[*].at")
    assert (found.details["old"], found.details["new"]) == (
        "date-time (+00:00 or Z)",
        "date-time (naive)",
    )
    # and the other way round: a field recorded in one spelling that now mixes in another
    assert ids({"at": "2024-05-01T12:00:00Z"}, new["events"] + old["events"]) != []
    single = [{"at": "2024-05-01T12:00:00Z"}]
    assert ids({"events": single}, {"events": single + old["events"]}) == [
        ("response-field-format-changed", "$.events[*].at")
    ]
