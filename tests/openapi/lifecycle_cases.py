"""Spec pairs for the lifecycle rules, judged on a fixed day: the shared vocabulary."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from driftguard import Config, diff_specs
from driftguard.findings import Finding

__all__ = [
    "BREAK",
    "DEPRECATED",
    "FAR",
    "MONTHS",
    "NEAR",
    "OP",
    "PARAM",
    "PAST",
    "RETURNED",
    "SENT",
    "TODAY",
    "Case",
    "check_case",
    "one",
    "sunset",
]

TODAY = date(2026, 3, 1)
PAST = "2026-01-01"
NEAR = "2026-03-15"  # 14 days away
MONTHS = "2026-04-15"  # 45 days away
FAR = "2026-09-01"  # 184 days away
OP, PARAM = "", "parameter query q"
SENT, RETURNED = "request body application/json /value", "response 200 application/json /value"
DEPRECATED = {"deprecated": True}
BREAK = {"required": True}  # q becomes required: a breaking change to build on


def sunset(day: str, **more: Any) -> dict[str, Any]:
    return {"deprecated": True, "x-sunset": day, **more}


class Case(NamedTuple):
    name: str
    old: dict[str, Any]
    new: dict[str, Any]
    expect: list[tuple[str, ...]]  # (id, severity[, location])
    days: int = 0
    beta_days: int | None = None


def check_case(case: Case) -> None:
    """The pair gives exactly the expected ids and severities, at the locations given."""
    config = Config(deprecation_days=case.days, deprecation_days_beta=case.beta_days)
    report = diff_specs(case.old, case.new, config=config, today=TODAY)
    found = Counter((f.id, f.severity.value) for f in report.findings)
    assert found == Counter((e[0], e[1]) for e in case.expect)
    for entry in case.expect:
        if len(entry) > 2:
            assert entry[2] in {f.location for f in report.findings if f.id == entry[0]}


def one(old: dict[str, Any], new: dict[str, Any], rule_id: str, **config: Any) -> Finding:
    """The one finding of ``rule_id`` the pair gives."""
    report = diff_specs(old, new, config=Config(**config), today=TODAY)
    [finding] = [f for f in report.findings if f.id == rule_id]
    return finding
