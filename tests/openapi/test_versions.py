"""info.version as semver: not bumped, decreased, and a break without a major bump."""

from __future__ import annotations

import pytest

from tests.documents import shop
from tests.openapi.lifecycle_cases import BREAK, Case, check_case

CASES = [
    Case(
        "a break without any bump",
        shop(version="1.0.0"),
        shop(version="1.0.0", q=BREAK),
        [
            ("request-parameter-became-required", "breaking"),
            ("api-version-not-bumped", "info", "info.version"),
            ("api-major-version-not-bumped", "warning", "info.version"),
        ],
    ),
    Case(
        "a break with a minor bump",
        shop(version="1.0.0"),
        shop(version="1.1.0", q=BREAK),
        [
            ("request-parameter-became-required", "breaking"),
            ("api-major-version-not-bumped", "warning", "info.version"),
        ],
    ),
    Case(
        "a break with a major bump",
        shop(version="v1.4.2"),
        shop(version="v2.0.0", q=BREAK),
        [("request-parameter-became-required", "breaking")],
    ),
    Case(
        "below 1.0.0 a minor bump announces a break",
        shop(version="0.1.0"),
        shop(version="0.2.0", q=BREAK),
        [("request-parameter-became-required", "breaking")],
    ),
    Case(
        "below 1.0.0 a patch bump does not",
        shop(version="0.1.0"),
        shop(version="0.1.1", q=BREAK),
        [
            ("request-parameter-became-required", "breaking"),
            ("api-major-version-not-bumped", "warning", "info.version"),
        ],
    ),
    Case(
        "a change without a bump",
        shop(version="v1.0.0"),
        shop(version="v1.0.0", get={"tags": ["items"]}),
        [("api-tag-added", "info"), ("api-version-not-bumped", "info", "info.version")],
    ),
    Case(
        "the version went down",
        shop(version="1.2.0"),
        shop(version="1.1.9", get={"tags": ["items"]}),
        [("api-tag-added", "info"), ("api-version-decreased", "info", "info.version")],
    ),
    Case(
        "a release after its release candidate",
        shop(version="2.0.0-rc.1"),
        shop(version="2.0.0"),
        [],
    ),
    Case("nothing changed", shop(version="1.0.0"), shop(version="1.0.0"), []),
    Case(
        "a version that is not semver is not judged",
        shop(version="2024-06-20"),
        shop(version="2024-06-20", q=BREAK),
        [("request-parameter-became-required", "breaking")],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pair(case: Case) -> None:
    check_case(case)
