"""A real FastAPI 0.99 + Pydantic 1 -> FastAPI + Pydantic 2 upgrade, seen by driftguard over HTTP.

The same bookshop source (service.py) runs under each stack, in its own virtual environment
and process; ``driftguard snapshot`` records the old one and ``driftguard check`` replays
against the new one. Every real change of the upgrade (changes.py) must be found, where it
shows, and nothing else: new ids, tokens and clocks are not drift.

The Pydantic 1 environment is built from PyPI on the first run (a few seconds, then cached in
``.venv-upgrade/``); without network the tests skip, saying why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.upgrade.changes import CHANGES, Change, Key, expected
from tests.upgrade.envs import EnvironmentUnavailable, pydantic1_python, pydantic2_python
from tests.upgrade.pair import serving, snapshot_then_check

pytestmark = [pytest.mark.slow, pytest.mark.pydantic1]


@pytest.fixture(scope="module")
def sides() -> Iterator[tuple[str, str]]:
    """The bookshop served under Pydantic 1 and under Pydantic 2: their base URLs."""
    try:
        old_python = pydantic1_python()
    except EnvironmentUnavailable as exc:
        pytest.skip(f"the FastAPI 0.99 + Pydantic 1 environment cannot be built here: {exc}")
    with serving(old_python, pydantic2_python()) as (old, new):
        yield old, new


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same run in CI as on a laptop (``snapshot`` into a fresh directory either way)."""
    monkeypatch.delenv("CI", raising=False)


def key(finding: dict[str, Any]) -> Key:
    if finding["source"] == "response":
        details = finding["details"]
        return ("response", finding["id"], details["probe"], details["path"])
    return (finding["source"], finding["id"], finding["operation"] or "", finding["location"])


def keys(report: dict[str, Any]) -> set[Key]:
    return {key(f) for f in report["findings"]}


@pytest.fixture(scope="module")
def upgrade(
    sides: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, dict[str, Any]]:
    """``snapshot`` the Pydantic 1 side, then ``check --format json`` the Pydantic 2 side."""
    old, new = sides
    return snapshot_then_check(old, new, tmp_path_factory.mktemp("upgrade"))


def test_every_real_change_is_found_and_nothing_else(upgrade: tuple[int, dict[str, Any]]) -> None:
    code, report = upgrade
    assert code == 1
    assert report["command"] == "check"
    found = keys(report)
    wanted = expected()
    missing, unexpected = sorted(wanted - found), sorted(found - wanted)
    assert (missing, unexpected) == ([], [])
    assert len(report["findings"]) == len(found)  # one finding per place, none twice
    notes = report["run"]["notes"]
    assert "23 probe(s) sent to" in notes[0]
    assert notes[0].endswith("23 compared")


@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
def test_each_change_shows_where_it_happened(
    upgrade: tuple[int, dict[str, Any]], change: Change
) -> None:
    found = keys(upgrade[1])
    assert change.findings <= found


def test_the_findings_say_what_changed(upgrade: tuple[int, dict[str, Any]]) -> None:
    findings = upgrade[1]["findings"]

    def one(rule: str, where: str, path: str) -> dict[str, Any]:
        [found] = [f for f in findings if key(f)[1:] == (rule, where, path)]
        return dict(found)

    price = one("response-field-type-changed", "book", "$.price")
    assert (price["operation"], price["severity"]) == ("GET /books/{book_id}", "breaking")
    assert (price["details"]["old"], price["details"]["new"]) == (
        "number",
        "string (numeric, 2 decimals)",
    )
    added_at = one("response-field-format-changed", "book", "$.added_at")
    assert (added_at["details"]["old"], added_at["details"]["new"]) == (
        "date-time (+00:00)",
        "date-time (Z)",
    )
    duration = one("response-field-type-changed", "order", "$.delivery_estimate")
    assert duration["details"]["new"] == "string (duration)"
    rename = one("response-field-renamed", "books", "$[*].pageCount")
    assert (rename["details"]["from"], rename["details"]["to"]) == ("pageCount", "page_count")
    assert rename["details"]["new_path"] == "$[*].page_count"
    documented = one(
        "response-property-renamed", "GET /books", "response 200 application/json /[]/pageCount"
    )
    assert (documented["details"]["from"], documented["details"]["to"]) == (
        "pageCount",
        "page_count",
    )
    refused = one("response-status-changed", "post-review-without-comment", "$")
    assert (refused["details"]["old"], refused["details"]["new"]) == (201, 422)
    assert refused["operation"] == "POST /books/{book_id}/reviews"
    ctx = one("response-field-renamed", "post-review-invalid", "$.detail[*].ctx.limit_value")
    assert ctx["details"]["to"] == "le"
    code = one("response-value-changed", "create-order-invalid", "$.detail[0].type")
    assert (code["details"]["old"], code["details"]["new"]) == (
        "value_error.number.not_ge",
        "greater_than_equal",
    )
    assert (code["operation"], code["severity"]) == ("POST /orders", "breaking")
    plan = one("response-value-changed", "plans", "$[1].monthly")
    assert (plan["details"]["old"], plan["details"]["new"]) == (9, 9.99)
    padded = one("response-value-changed", "publishers", "$[0].name")
    assert (padded["details"]["old"], padded["details"]["new"]) == ("Gollancz", " Gollancz ")
    host = one("response-value-changed", "publishers", "$[0].website")
    assert host["details"]["new"] == "https://gollancz.example/books"


def test_volatile_values_and_controls_cause_no_finding(
    upgrade: tuple[int, dict[str, Any]],
) -> None:
    """New ids, tokens and clocks differ on every call; Field(alias=...), a URL with a path,
    401s and 404s are the same under both stacks: none of them may show."""
    paths = {key(f)[2:] for f in upgrade[1]["findings"]}
    for probe, path in [
        ("create-order", "$.id"),
        ("post-review", "$.id"),
        ("login", "$.access_token"),
        ("get-health", "$.status"),
        ("reviews", "$[*].reviewerName"),
        ("order", "$.tracking_url"),
        ("publishers", "$[0].id"),  # values = true compares no id
        ("post-review-invalid", "$.detail[0].msg"),  # prose, not a code
    ]:
        assert (probe, path) not in paths
    probes = {where for where, _ in paths}
    assert not probes & {"login", "login-wrong-password", "me-without-token", "author-missing"}


@pytest.mark.parametrize("side", ["pydantic1", "pydantic2"])
def test_each_side_against_itself_is_clean(
    sides: tuple[str, str], tmp_path: Path, side: str
) -> None:
    url = sides[0] if side == "pydantic1" else sides[1]
    code, report = snapshot_then_check(url, url, tmp_path)
    assert (code, report["findings"]) == (0, [])
    shapes = json.loads((tmp_path / "snapshots" / "responses" / "create-order.json").read_text())
    assert shapes["status"] == 201


def test_the_report_has_about_as_many_causes_as_real_changes(
    upgrade: tuple[int, dict[str, Any]],
) -> None:
    """125 findings from 20 real changes: the report leads with about 20 causes, not 125."""
    report = upgrade[1]
    causes = report["causes"]
    cause_of = {f["fingerprint"]: f["cause"] for f in report["findings"]}
    by_key = {key(f): f["fingerprint"] for f in report["findings"]}
    assert len(CHANGES) - 2 <= len(causes) <= len(CHANGES) + 3, [c["message"] for c in causes]
    assert report["summary"]["causes"] == {
        level: sum(1 for c in causes if c["severity"] == level)
        for level in ("breaking", "warning", "info")
    }
    spans = {change.name: len({cause_of[by_key[k]] for k in change.findings}) for change in CHANGES}
    # one change reads as one cause, or two (the document's and the wire's); only the 422
    # ctx keys (renamed, dropped and added inside a free-form object) read as several
    assert {name for name, n in spans.items() if n > 2} <= {"validation-error-ctx-keys"}, spans
    for cause in causes:
        shown_by = {
            change.name
            for change in CHANGES
            for k in change.findings
            if by_key[k] in cause["findings"]
        }
        assert len(shown_by) <= 2, (cause["message"], shown_by)  # never a catch-all
