"""The lifecycle of operations and parameters on small spec pairs: deprecations, sunsets,
removals and stability levels, judged on a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from driftguard import Config, diff_specs
from tests.documents import shop
from tests.openapi.lifecycle_cases import (
    BREAK,
    DEPRECATED,
    FAR,
    MONTHS,
    NEAR,
    OP,
    PARAM,
    PAST,
    TODAY,
    Case,
    check_case,
    one,
    sunset,
)

CASES = [
    # -- operations: deprecation --------------------------------------------------------------
    Case("op deprecated", shop(), shop(get=DEPRECATED), [("endpoint-deprecated", "info", OP)]),
    Case(
        "op deprecated without the sunset the policy asks",
        shop(),
        shop(get=DEPRECATED),
        [("api-deprecated-sunset-missing", "breaking", OP)],
        days=30,
    ),
    Case(
        "op deprecated with a sunset far enough",
        shop(),
        shop(get=sunset(FAR)),
        [("endpoint-deprecated-with-sunset", "info", OP)],
        days=30,
    ),
    Case(
        "op deprecated with a date-time sunset",
        shop(),
        shop(get=sunset("2026-09-01T00:00:00Z")),
        [("endpoint-deprecated-with-sunset", "info", OP)],
        days=30,
    ),
    Case(
        "op deprecated with a sunset too near",
        shop(),
        shop(get=sunset(NEAR)),
        [("api-sunset-date-too-small", "breaking", OP)],
        days=30,
    ),
    Case(
        "op deprecated with a sunset already past, no policy",
        shop(),
        shop(get=sunset(PAST)),
        [("api-sunset-date-too-small", "breaking", OP)],
    ),
    Case(
        "op deprecated with a sunset that is no date",
        shop(),
        shop(get=sunset("next spring")),
        [("api-deprecated-sunset-parse", "breaking", OP)],
    ),
    Case(
        "op deprecated on 30 February",
        shop(),
        shop(get=sunset("2026-02-30")),
        [("api-deprecated-sunset-parse", "breaking", OP)],
    ),
    Case(
        "a beta op owes the beta grace period only",
        shop(get={"x-stability-level": "beta"}),
        shop(get=sunset(MONTHS, **{"x-stability-level": "beta"})),
        [("endpoint-deprecated-with-sunset", "info", OP)],
        days=180,
        beta_days=30,
    ),
    Case(
        "a stable op owes the stable grace period",
        shop(),
        shop(get=sunset(MONTHS)),
        [("api-sunset-date-too-small", "breaking", OP)],
        days=180,
        beta_days=30,
    ),
    Case("op reactivated", shop(get=sunset(FAR)), shop(), [("endpoint-reactivated", "info", OP)]),
    Case(
        "op sunset deleted",
        shop(get=sunset(FAR)),
        shop(get=DEPRECATED),
        [("sunset-deleted", "breaking", OP)],
    ),
    Case(
        "op sunset moved earlier",
        shop(get=sunset(FAR)),
        shop(get=sunset(MONTHS)),
        [("api-sunset-date-changed-too-small", "breaking", OP)],
    ),
    Case("op sunset moved later", shop(get=sunset(MONTHS)), shop(get=sunset(FAR)), []),
    Case(
        "op sunset changed to no date",
        shop(get=sunset(FAR)),
        shop(get=sunset("soon")),
        [("api-deprecated-sunset-parse", "breaking", OP)],
    ),
    Case(
        "a sunset too near added to a deprecated op",
        shop(get=DEPRECATED),
        shop(get=sunset(NEAR)),
        [("api-sunset-date-too-small", "breaking", OP)],
        days=30,
    ),
    # -- operations: removal ------------------------------------------------------------------
    Case(
        "op removed",
        shop(),
        shop(drop=("get",)),
        [("api-removed-without-deprecation", "breaking", OP)],
    ),
    Case(
        "deprecated op removed, no sunset",
        shop(get=DEPRECATED),
        shop(drop=("get",)),
        [("api-removed-with-deprecation", "info", OP)],
    ),
    Case(
        "deprecated op removed before its sunset",
        shop(get=sunset(FAR)),
        shop(drop=("get",)),
        [("api-removed-before-sunset", "breaking", OP)],
    ),
    Case(
        "deprecated op removed after its sunset",
        shop(get=sunset(PAST)),
        shop(drop=("get",)),
        [("api-removed-with-deprecation", "info", OP)],
    ),
    Case(
        "deprecated op removed with a sunset that is no date",
        shop(get=sunset("later")),
        shop(drop=("get",)),
        [("api-path-sunset-parse", "breaking", OP)],
    ),
    Case(
        "path removed",
        shop(),
        shop(drop=("legacy",)),
        [("api-path-removed-without-deprecation", "breaking", OP)],
    ),
    Case(
        "deprecated path removed before its sunset",
        shop(legacy=sunset(FAR)),
        shop(drop=("legacy",)),
        [("api-path-removed-before-sunset", "breaking", OP)],
    ),
    Case(
        "deprecated path removed on its sunset day",
        shop(legacy=sunset(TODAY.isoformat())),
        shop(drop=("legacy",)),
        [("api-path-removed-with-deprecation", "info", OP)],
    ),
    # -- operations: stability ----------------------------------------------------------------
    Case(
        "stability decreased",
        shop(get={"x-stability-level": "stable"}),
        shop(get={"x-stability-level": "beta"}),
        [("api-stability-decreased", "breaking", OP)],
    ),
    Case(
        "an op without a level is stable",
        shop(),
        shop(get={"x-stability-level": "alpha"}),
        [("api-stability-decreased", "breaking", OP)],
    ),
    Case(
        "stability increased",
        shop(get={"x-stability-level": "beta"}),
        shop(get={"x-stability-level": "stable"}),
        [("api-stability-increased", "info", OP)],
    ),
    Case(
        "no such stability level",
        shop(get={"x-stability-level": "beta"}),
        shop(get={"x-stability-level": "experimental"}),
        [("api-invalid-stability-level", "breaking", OP)],
    ),
    Case(
        "an added op with no such level",
        shop(drop=("get",)),
        shop(get={"x-stability-level": "gold"}),
        [("endpoint-added", "info"), ("api-invalid-stability-level", "breaking", OP)],
    ),
    Case(
        "a draft op's breaking change is info",
        shop(get={"x-stability-level": "draft"}),
        shop(get={"x-stability-level": "draft"}, q=BREAK),
        [("request-parameter-became-required", "info", PARAM)],
    ),
    Case(
        "an alpha op removed without deprecation is info",
        shop(legacy={"x-stability-level": "alpha"}),
        shop(drop=("legacy",)),
        [("api-path-removed-without-deprecation", "info", OP)],
    ),
    Case(
        "a stable op made draft keeps its breaking changes",
        shop(),
        shop(get={"x-stability-level": "draft"}, q=BREAK),
        [
            ("api-stability-decreased", "breaking", OP),
            ("request-parameter-became-required", "breaking", PARAM),
        ],
    ),
    # -- parameters ---------------------------------------------------------------------------
    Case(
        "param deprecated",
        shop(),
        shop(q=DEPRECATED),
        [("request-parameter-deprecated", "info", PARAM)],
    ),
    Case(
        "param deprecated with a sunset far enough",
        shop(),
        shop(q=sunset(FAR)),
        [("request-parameter-deprecated", "info", PARAM)],
        days=30,
    ),
    Case(
        "param deprecated without the sunset the policy asks",
        shop(),
        shop(q=DEPRECATED),
        [("request-parameter-deprecated-sunset-missing", "breaking", PARAM)],
        days=30,
    ),
    Case(
        "param deprecated with a sunset too near",
        shop(),
        shop(q=sunset(NEAR)),
        [("request-parameter-sunset-date-too-small", "breaking", PARAM)],
        days=30,
    ),
    Case(
        "param deprecated with a sunset that is no date",
        shop(),
        shop(q=sunset("Q3")),
        [("request-parameter-sunset-parse", "breaking", PARAM)],
    ),
    Case(
        "param reactivated",
        shop(q=DEPRECATED),
        shop(),
        [("request-parameter-reactivated", "info", PARAM)],
    ),
    Case(
        "param sunset deleted",
        shop(q=sunset(FAR)),
        shop(q=DEPRECATED),
        [("request-parameter-sunset-deleted", "breaking", PARAM)],
    ),
    Case(
        "param sunset moved earlier",
        shop(q=sunset(FAR)),
        shop(q=sunset(MONTHS)),
        [("request-parameter-sunset-date-changed-too-small", "breaking", PARAM)],
    ),
    Case(
        "param removed",
        shop(),
        shop(drop=("q",)),
        [("request-parameter-removed", "warning", PARAM)],
    ),
    Case(
        "deprecated param removed, no sunset",
        shop(q=DEPRECATED),
        shop(drop=("q",)),
        [("request-parameter-removed-with-deprecation", "info", PARAM)],
    ),
    Case(
        "deprecated param removed after its sunset",
        shop(q=sunset(PAST)),
        shop(drop=("q",)),
        [("request-parameter-removed-with-deprecation", "info", PARAM)],
    ),
    Case(
        "deprecated param removed before its sunset",
        shop(q=sunset(FAR)),
        shop(drop=("q",)),
        [("request-parameter-removed-before-sunset", "breaking", PARAM)],
    ),
    Case(
        "deprecated param removed with a sunset that is no date",
        shop(q=sunset("whenever")),
        shop(drop=("q",)),
        [("request-parameter-sunset-parse", "breaking", PARAM)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pair(case: Case) -> None:
    check_case(case)


def test_sunset_findings_carry_the_dates() -> None:
    small = one(shop(), shop(get=sunset(NEAR)), "api-sunset-date-too-small", deprecation_days=30)
    assert (small.details["sunset"], small.details["days"], small.details["grace"]) == (
        NEAR,
        14,
        30,
    )
    assert small.message == (
        "operation deprecated with sunset 2026-03-15, 14 days away; the deprecation policy "
        "asks for at least 30"
    )
    moved = one(
        shop(get=sunset(FAR)), shop(get=sunset(MONTHS)), "api-sunset-date-changed-too-small"
    )
    assert (moved.details["old"], moved.details["new"]) == (FAR, MONTHS)
    before = one(shop(q=sunset(FAR)), shop(drop=("q",)), "request-parameter-removed-before-sunset")
    assert before.message == "deprecated query parameter 'q' removed before its sunset 2026-09-01"


def test_today_decides_whether_a_removal_came_too_soon() -> None:
    old, new = shop(get=sunset(FAR)), shop(drop=("get",))
    ids = [f.id for f in diff_specs(old, new, today=date(2026, 8, 31)).findings]
    assert ids == ["api-removed-before-sunset"]
    ids = [f.id for f in diff_specs(old, new, today=date(2026, 9, 1)).findings]
    assert ids == ["api-removed-with-deprecation"]
    # the configuration's day, when the call gives none
    ids = [f.id for f in diff_specs(old, new, config=Config(today=date(2026, 9, 2))).findings]
    assert ids == ["api-removed-with-deprecation"]
