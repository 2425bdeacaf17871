"""Every rule family, on small spec pairs written for it (tests/data/diff/*.yaml)."""

from __future__ import annotations

from collections import Counter

import pytest

from driftguard import diff_specs
from tests.openapi.cases import Case, load_cases

CASES = load_cases()


def _found(old: dict, new: dict) -> tuple[Counter[tuple[str, str]], dict[str, set[str]]]:
    report = diff_specs(old, new)
    locations: dict[str, set[str]] = {}
    for finding in report.findings:
        locations.setdefault(finding.id, set()).add(finding.location)
    return Counter((f.id, f.severity.value) for f in report.findings), locations


def _check(expected: tuple[tuple[str, ...], ...], old: dict, new: dict) -> None:
    found, locations = _found(old, new)
    assert found == Counter((e[0], e[1]) for e in expected)
    for entry in expected:
        if len(entry) > 2:
            assert entry[2] in locations[entry[0]], locations[entry[0]]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pair(case: Case) -> None:
    _check(case.expect, case.old, case.new)


REVERSIBLE = [c for c in CASES if c.reverse is not None]


@pytest.mark.parametrize("case", REVERSIBLE, ids=[c.id for c in REVERSIBLE])
def test_pair_reversed(case: Case) -> None:
    assert case.reverse is not None
    _check(case.reverse, case.new, case.old)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_finding_of_a_pair_has_a_fingerprint_of_its_own(case: Case) -> None:
    """An ignore entry names a fingerprint: two findings sharing one would hide each other."""
    for old, new in ((case.old, case.new), (case.new, case.old)):
        findings = diff_specs(old, new).findings
        fingerprints = Counter(f.fingerprint for f in findings)
        assert [f for f in findings if fingerprints[f.fingerprint] > 1] == []


DEEPER = {
    "request-body": ("request-body-ref",),
    "response-body": ("response-body-ref",),
    "request-property": ("request-property-deep", "request-property-ref"),
    "response-property": ("response-property-deep", "response-property-ref"),
}
PLACED = [(case, where) for case in CASES for where in DEEPER.get(case.where, ()) if case.schemas]


@pytest.mark.parametrize(
    ("case", "where"), PLACED, ids=[f"{case.id} @ {where}" for case, where in PLACED]
)
def test_a_change_is_the_same_finding_at_every_depth(case: Case, where: str) -> None:
    """Under two objects and an array, or in a component reached through $ref, a body or
    property change has the id and severity it has at the top (its location says where)."""
    old, new = case.placed(where)
    assert _found(old, new)[0] == Counter((e[0], e[1]) for e in case.expect)
    if case.reverse is not None:
        assert _found(new, old)[0] == Counter((e[0], e[1]) for e in case.reverse)
