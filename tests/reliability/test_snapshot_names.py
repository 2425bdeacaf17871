"""Snapshot file names of the pytest fixture: distinct tests and checks never share a file.

Names that are safe as they are keep their names (projects have committed them); a name
whose spelling had to change carries a hash of the original, and names that a
case-insensitive filesystem would take for one file are refused rather than shared.
"""

from __future__ import annotations

import re

import pytest

from driftguard._plugin.fixture import safe_name

LEAN = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio")
UNSAFE_SPELLINGS = ["a/b", "a_b", "a b", "a:b", "a\\b", "a//b", "a*b", "a\tb", "_a_b", "a_b."]


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*LEAN, *args)


def snapshot_files(pytester: pytest.Pytester) -> list[str]:
    root = pytester.path / "snapshots"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json"))


def test_names_that_need_no_change_keep_their_names() -> None:
    for name in ["test_user", "TestUsers.test_get", "test_p[1-2]", "pkg.test_mod", "user-body"]:
        assert safe_name(name) == name
    # Long names were cut and hashed before, and still are, to the same file names.
    assert safe_name("x" * 130) == "x" * 109 + "-3afbb13286"


def test_spellings_that_differ_only_in_unsafe_characters_are_distinct() -> None:
    names = [safe_name(text) for text in UNSAFE_SPELLINGS]
    assert len(set(names)) == len(names)
    assert names[1] == "a_b"
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_.\[\]-]+", name), name
        assert re.fullmatch(r"a_b-[0-9a-f]{10}|a_b", name), name
    assert safe_name("\ud800/\udfff") != safe_name("_/_")  # lone surrogates neither crash
    assert "\ud800" not in safe_name("\ud800")  # nor reach a file name


PARAMETRIZED = """
import pytest

SPELLINGS = %r
BODIES = [1, "s", [1], {"k": 1}, True, None, 1.5, [{"k": "v"}], {"k": [1]}, {"k": {"j": 1}}]

@pytest.mark.parametrize("body", BODIES[: len(SPELLINGS)], ids=SPELLINGS)
def test_p(driftguard, body):
    driftguard.check(body)

def test_named(driftguard):
    for index, name in enumerate(SPELLINGS):
        driftguard.check(BODIES[index], name=name)
"""


def test_ids_and_check_names_that_differ_in_unsafe_characters_get_their_own_files(
    pytester: pytest.Pytester,
) -> None:
    count = len(UNSAFE_SPELLINGS)
    pytester.makepyfile(test_ids=PARAMETRIZED % (UNSAFE_SPELLINGS,))
    run(pytester, "--driftguard-update").assert_outcomes(passed=count + 1)
    files = snapshot_files(pytester)
    assert len(files) == 2 * count
    assert "tests/test_ids/test_p[a_b].json" in files
    assert "tests/test_ids/test_named.a_b.json" in files
    result = run(pytester)
    result.assert_outcomes(passed=count + 1)
    result.stdout.fnmatch_lines([f"*driftguard: {2 * count} passed, 0 created, 0 updated*"])


CASE_IDS = """
import pytest

@pytest.mark.parametrize("body", [1, "s"], ids=["A", "a"])
def test_p(driftguard, body):
    driftguard.check(body)

def test_named(driftguard):
    driftguard.check(1, name="caf\\u00e9")
    driftguard.check("s", name="cafe\\u0301")  # the same name, decomposed
"""


def test_names_that_differ_only_in_case_are_refused_not_shared(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_case=CASE_IDS)
    for args in (["--driftguard-update"], []):
        result = run(pytester, *args)
        result.assert_outcomes(passed=1, failed=2)
        result.stdout.fnmatch_lines(
            ["*test_p[[]a[]].json and test_p[[]A[]].json beside it differ only in letter case*"]
        )
        result.stdout.fnmatch_lines(["*test_named.cafe*.json and test_named.caf*.json beside*"])
        assert snapshot_files(pytester) == [
            "tests/test_case/test_named.café.json",
            "tests/test_case/test_p[A].json",
        ]
