"""The schema rule catalogue against CHECKS.md, and the checks against the catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

import driftguard.openapi.checks
from driftguard import rules
from driftguard.findings import Finding, Severity
from driftguard.openapi.checks import CHECKS, _load
from driftguard.rules import schema
from driftguard.rules.checks_md import TIER2
from tests.openapi.cases import load_cases, mirror


@pytest.fixture(scope="module")
def checks_md(specs_dir: Path) -> str:
    return (specs_dir.parent / "CHECKS.md").read_text()


def _tier1(text: str) -> dict[str, Severity]:
    section = text.split("## Tier 1")[1].split("## Tier 2")[0]
    listed: dict[str, Severity] = {}
    for level, ids in re.findall(r"^- \*\*(\w+)\*\*: (.*)$", section, re.MULTILINE):
        for rule_id in re.findall(r"`([a-z0-9-]+)`", ids):
            assert rule_id not in listed, f"{rule_id} twice in CHECKS.md"
            listed[rule_id] = Severity(level)
    return listed


def _own_schema_ids(text: str) -> dict[str, Severity]:
    section = text.split("## driftguard's own ids")[1].split("Live responses")[0]
    return {
        rule_id: Severity(level)
        for rule_id, level in re.findall(r"^\| `([a-z0-9-]+)` \| (\w+) \|", section, re.MULTILINE)
    }


def test_checks_md_is_read(checks_md: str) -> None:
    assert len(_tier1(checks_md)) == 264
    assert len(_own_schema_ids(checks_md)) == 4


def test_every_tier1_id_is_registered_with_its_severity(checks_md: str) -> None:
    registered = rules.RULES
    for rule_id, severity in _tier1(checks_md).items():
        assert rule_id in registered, rule_id
        assert registered[rule_id].severity is severity, rule_id
        assert registered[rule_id].tier == 1, rule_id
        assert registered[rule_id].source == "schema", rule_id


def test_own_ids_are_registered_with_their_severity(checks_md: str) -> None:
    registered = rules.RULES
    for rule_id, severity in _own_schema_ids(checks_md).items():
        assert registered[rule_id].severity is severity, rule_id


def test_tier2_ids_keep_checks_md_severity(checks_md: str) -> None:
    section = checks_md.split("## Tier 2")[1].split("## driftguard's own")[0]
    listed = {}
    for level, ids in re.findall(r"^- \*\*(\w+)\*\* \(\d+\): (.*)$", section, re.MULTILINE):
        for rule_id in re.findall(r"`([a-z0-9-]+)`", ids):
            listed[rule_id] = Severity(level)
    for rule_id, severity in TIER2.items():
        assert listed[rule_id] is severity, rule_id


def test_ids_are_unique_kebab_case_and_have_messages() -> None:
    ids = [rule.id for rule in (*schema.RULES, *rules.response.RULES, *rules.fuzz.RULES)]
    assert len(ids) == len(set(ids)) == len(rules.RULES)
    for rule in rules.RULES.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.message.strip(), rule.id
        assert rule.direction in ("request", "response", "none"), rule.id
        assert rule.area, rule.id


def test_extra_ids_follow_the_direction_rule() -> None:
    """Ids beyond CHECKS.md (tier 3) take their severity from the request/response rule."""
    for rule in schema.RULES:
        if rule.tier != 3 or "-" not in rule.id:
            continue
        for where, (side, _, _) in schema.WHERE.items():
            prefix = where + "-"
            if rule.id.startswith(prefix) and rule.id[len(prefix) :] in schema.CHANGES:
                request, response, _ = schema.CHANGES[rule.id[len(prefix) :]]
                assert rule.severity is (request if side == "request" else response), rule.id


@pytest.mark.parametrize(
    ("request_where", "response_where"),
    [("request-body", "response-body"), ("request-property", "response-property")],
)
def test_request_and_response_families_are_mirrored(
    request_where: str, response_where: str
) -> None:
    """Every keyword change has an id on both sides, and in both directions."""
    for change in schema.CHANGES:
        for where in (request_where, response_where):
            assert schema.schema_rule(where, change), (where, change)
            assert schema.schema_rule(where, mirror(change)), (where, mirror(change))


OBJECT_MIRRORS = [
    ("new-required-request-property", "response-required-property-added"),
    ("new-optional-request-property", "response-optional-property-added"),
    ("request-property-removed", "response-optional-property-removed"),
    ("request-property-became-required", "response-property-became-required"),
    ("request-property-became-optional", "response-property-became-optional"),
    ("request-property-renamed", "response-property-renamed"),
    ("request-body-media-type-removed", "response-media-type-removed"),
    ("request-body-media-type-added", "response-media-type-added"),
    ("request-body-media-type-schema-added", "response-body-media-type-schema-added"),
    ("request-body-media-type-schema-removed", "response-body-media-type-schema-removed"),
]


@pytest.mark.parametrize(("request_id", "response_id"), OBJECT_MIRRORS)
def test_object_and_media_rules_are_mirrored(request_id: str, response_id: str) -> None:
    registered = rules.RULES
    assert registered[request_id].direction == "request"
    assert registered[response_id].direction == "response"


def _ids_in_checks() -> tuple[set[str], set[str]]:
    """Literal ids and f-string id patterns written in the check modules."""
    literals: set[str] = set()
    patterns: set[str] = set()
    folder = Path(driftguard.openapi.checks.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "emit"
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    literals.add(first.value)
                elif isinstance(first, ast.JoinedStr):
                    parts = [
                        re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z-]*"
                        for v in first.values
                    ]
                    patterns.add("".join(parts))
                else:
                    patterns.add(".*")  # a computed id: covered by the runtime check below
    return literals, patterns


def test_checks_only_emit_registered_ids() -> None:
    registered = rules.RULES
    literals, patterns = _ids_in_checks()
    assert literals
    assert patterns
    for rule_id in literals:
        assert rule_id in registered, rule_id
    for pattern in patterns - {".*"}:
        assert any(re.fullmatch(pattern, rule_id) for rule_id in registered), pattern
    # schema keyword ids are looked up, never spelt: every (where, change) resolves or is
    # deliberately absent (response headers compare type and nullability only)
    for where in schema.WHERE:
        for change in schema.CHANGES:
            rule_id = schema.schema_rule(where, change)
            assert rule_id is None or rule_id in registered
            if rule_id is None:
                assert where == "response-header", (where, change)


def test_an_unregistered_id_cannot_be_emitted() -> None:
    with pytest.raises(KeyError, match="unknown rule id"):
        rules.finding("request-property-did-a-dance", operation=None, location="")


def test_checks_subscribe_to_walker_events() -> None:
    _load()
    assert set(CHECKS) >= {"spec", "operation", "parameter", "request-body", "media", "schema"}


def _lifecycle_cases() -> list[Any]:
    from tests.openapi import test_lifecycle, test_lifecycle_properties, test_versions

    return [*test_lifecycle.CASES, *test_lifecycle_properties.CASES, *test_versions.CASES]


def test_every_tier1_own_and_lifecycle_id_is_exercised_by_a_spec_pair(checks_md: str) -> None:
    exercised = set()
    for case in load_cases():
        for entry in (*case.expect, *(case.reverse or ())):
            exercised.add(entry[0])
    for lifecycle_case in _lifecycle_cases():
        exercised.update(entry[0] for entry in lifecycle_case.expect)
    wanted = set(_tier1(checks_md)) | set(_own_schema_ids(checks_md)) | LIFECYCLE
    missing = wanted - exercised
    assert not missing, sorted(missing)
    assert exercised <= set(rules.RULES)


# The lifecycle ids the diff reports (CHECKS.md Tier 2), each with CHECKS.md's severity but
# one: the issue asks a breaking change without a major version bump to be a warning.
LIFECYCLE = frozenset(
    rule_id
    for rule_id in TIER2
    if any(word in rule_id for word in ("sunset", "stability", "version", "deprecat", "reactiv"))
) | {"api-path-removed-with-deprecation", "api-removed-with-deprecation"}
ISSUE_SEVERITY = {"api-major-version-not-bumped": Severity.WARNING}


def test_lifecycle_ids_have_the_documented_severities(checks_md: str) -> None:
    section = checks_md.split("## Tier 2")[1].split("## driftguard's own")[0]
    listed = _tier1(checks_md)
    for level, ids in re.findall(r"^- \*\*(\w+)\*\* \(\d+\): (.*)$", section, re.MULTILINE):
        for rule_id in re.findall(r"`([a-z0-9-]+)`", ids):
            listed[rule_id] = Severity(level)
    assert len(LIFECYCLE) == 44
    for rule_id in LIFECYCLE:
        assert rules.RULES[rule_id].severity is ISSUE_SEVERITY.get(rule_id, listed[rule_id])
    assert listed["api-major-version-not-bumped"] is Severity.INFO  # as CHECKS.md lists it


def test_declared_directions_agree_with_the_ids() -> None:
    """Directions are declared with each rule; an id that names a side must be on it."""
    for rule in rules.RULES.values():
        if rule.source == "fuzz":
            continue  # about a whole exchange
        words = rule.id.split("-")
        if rule.source == "response" or words[0] == "response" or "response" in words[1:2]:
            assert rule.direction == "response", rule.id
        elif words[0] in ("request", "new") or "request" in words:
            assert rule.direction == "request", rule.id
        else:
            assert rule.direction == "none", rule.id


def test_response_rules_read_briefly_path_by_path() -> None:
    renamed = rules.finding(
        "response-field-renamed",
        operation="GET /users/{id}",
        location="get-user $.full_name",
        details={"probe": "get-user", "path": "$.full_name", "from": "full_name", "to": "fullName"},
    )
    assert renamed.message == "field full_name -> fullName (renamed) in the response of get-user"
    assert rules.brief(renamed) == "$.full_name -> fullName (renamed)"
    # a rule without a brief form reads as its message; a missing detail never crashes
    other = Finding("server-error", Severity.BREAKING, "fuzz", None, "x", "server error: boom")
    assert rules.brief(other) == "server error: boom"
    assert rules.render("{path}: {old} -> {new}", {"path": "$.a"}) == "$.a: ? -> ?"
    for rule in rules.response.RULES:
        assert rule.brief, rule.id
