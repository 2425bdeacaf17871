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
