"""The lifecycle of request and response properties: deprecations, sunsets and stability
levels (as keyword changes of their schemas), and removals lowered when their time was up."""

from __future__ import annotations

import pytest

from tests.documents import shop
from tests.openapi.lifecycle_cases import (
    BREAK,
    DEPRECATED,
    FAR,
    NEAR,
    PAST,
    RETURNED,
    SENT,
    Case,
    check_case,
    one,
    sunset,
)

CASES: list[Case] = []
# -- properties, the same on both sides -------------------------------------------------------
for _side, _part, _where in (("request", "sent", SENT), ("response", "returned", RETURNED)):
    _level = {"x-stability-level": "beta"}
    CASES += [
        Case(
            f"{_side} property deprecated",
            shop(),
            shop(**{_part: DEPRECATED}),
            [(f"{_side}-property-deprecated", "info", _where)],
        ),
        Case(
            f"{_side} property deprecated with a sunset far enough",
            shop(),
            shop(**{_part: sunset(FAR)}),
            [(f"{_side}-property-deprecated-with-sunset", "info", _where)],
            days=30,
        ),
        Case(
            f"{_side} property deprecated without the sunset the policy asks",
            shop(),
            shop(**{_part: DEPRECATED}),
            [(f"{_side}-property-deprecated-sunset-missing", "breaking", _where)],
            days=30,
        ),
        Case(
            f"{_side} property deprecated with a sunset too near",
            shop(),
            shop(**{_part: sunset(NEAR)}),
            [(f"{_side}-property-sunset-date-too-small", "breaking", _where)],
            days=30,
        ),
        Case(
            f"{_side} property deprecated with a sunset that is no date",
            shop(),
            shop(**{_part: sunset("tomorrow")}),
            [(f"{_side}-property-deprecated-sunset-invalid", "breaking", _where)],
        ),
        Case(
            f"{_side} property reactivated",
            shop(**{_part: DEPRECATED}),
            shop(),
            [(f"{_side}-property-reactivated", "info", _where)],
        ),
        Case(
            f"{_side} property stability decreased",
            shop(),
            shop(**{_part: _level}),
            [(f"{_side}-property-stability-decreased", "breaking", _where)],
        ),
        Case(
            f"{_side} property stability increased",
            shop(**{_part: _level}),
            shop(**{_part: {"x-stability-level": "stable"}}),
            [(f"{_side}-property-stability-increased", "info", _where)],
        ),
        Case(
            f"{_side} property with no such level",
            shop(),
            shop(**{_part: {"x-stability-level": "final"}}),
            [("api-invalid-stability-level", "breaking", _where)],
        ),
    ]

CASES += [
    # -- removed properties: their id kept, lowered when their time was up --------------------
    Case(
        "request property removed",
        shop(),
        shop(drop=("sent",)),
        [("request-property-removed", "warning", SENT)],
    ),
    Case(
        "deprecated request property removed, no sunset",
        shop(sent=DEPRECATED),
        shop(drop=("sent",)),
        [("request-property-removed", "info", SENT)],
    ),
    Case(
        "deprecated request property removed before its sunset",
        shop(sent=sunset(FAR)),
        shop(drop=("sent",)),
        [("request-property-removed", "warning", SENT)],
    ),
    Case(
        "required response property removed",
        shop(required=True),
        shop(drop=("returned",)),
        [("response-required-property-removed", "breaking", RETURNED)],
    ),
    Case(
        "deprecated required response property removed after its sunset",
        shop(required=True, returned=sunset(PAST)),
        shop(drop=("returned",)),
        [("response-required-property-removed", "info", RETURNED)],
    ),
    Case(
        "deprecated required response property removed before its sunset",
        shop(required=True, returned=sunset(FAR)),
        shop(drop=("returned",)),
        [("response-required-property-removed", "breaking", RETURNED)],
    ),
    Case(
        "deprecated optional response property removed, no sunset",
        shop(returned=DEPRECATED),
        shop(drop=("returned",)),
        [("response-optional-property-removed", "info", RETURNED)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pair(case: Case) -> None:
    check_case(case)


def test_a_lowered_finding_says_why() -> None:
    removed = one(
        shop(required=True, returned=sunset(PAST)),
        shop(drop=("returned",)),
        "response-required-property-removed",
    )
    assert removed.details["deprecated"] is True
    assert removed.details["sunset"] == PAST
    assert removed.details["lifecycle"] == f"it was deprecated, and its sunset {PAST} passed"
    draft = one(
        shop(get={"x-stability-level": "draft"}),
        shop(get={"x-stability-level": "draft"}, q=BREAK),
        "request-parameter-became-required",
    )
    assert draft.details["stability"] == "draft"
    assert "draft (x-stability-level)" in draft.details["lifecycle"]
