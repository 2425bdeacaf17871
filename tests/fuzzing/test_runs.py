"""Run-level behaviour: seeds, budgets, strictness, credentials and the report it produces."""

from __future__ import annotations

import asyncio
import json
import re
import time
import warnings
from decimal import Decimal
from typing import Annotated

import jsonschema_rs
import pytest
from fastapi import FastAPI, Query

from driftguard import ConfigError, Report, Severity, TargetError, UsageError, fuzz
from driftguard._config import Config
from driftguard.formats.json import report_schema
from tests.fuzzing import apps


def comparable(report: Report) -> list[dict[str, object]]:
    return [finding.to_dict() for finding in report.findings]


def test_the_same_seed_twice_gives_the_same_findings() -> None:
    first = fuzz(apps.unenforced_schema(), max_examples=15, seed=11)
    second = fuzz(apps.unenforced_schema(), max_examples=15, seed=11)
    assert first.findings
    assert comparable(first) == comparable(second)


def test_another_seed_finds_the_same_defect_under_the_same_fingerprint() -> None:
    prints = [
        {f.fingerprint for f in fuzz(apps.crash(), max_examples=10, seed=seed).findings}
        for seed in (1, 2, 3)
    ]
    assert prints[0] == prints[1] == prints[2]
    assert len(prints[0]) == 1


def test_a_seed_is_drawn_and_reported_when_none_is_given() -> None:
    report = fuzz(apps.crash(), max_examples=5)
    seed = report.run.seed
    assert isinstance(seed, int)
    assert f"seed {seed}" in report.run.notes[0]


def test_max_examples_bounds_the_generated_requests() -> None:
    few = fuzz(apps.lax_model(), max_examples=1, seed=3, operations=["POST /strict-counts"])
    many = fuzz(apps.lax_model(), max_examples=40, seed=3, operations=["POST /strict-counts"])
    assert few.run.requests < many.run.requests


def test_time_budget_stops_the_run_with_a_note() -> None:
    # The budget counts from the start, imports included: warm them first, so that the
    # budget is spent on requests. Many examples: the budget, not they, ends the run.
    fuzz(apps.contract_gaps(), max_examples=1, seed=1)
    report = fuzz(apps.contract_gaps(), max_examples=10_000, seed=1, time_budget=2.0)
    assert report.run is not None
    assert report.run.requests > 10
    # What it says depends on the clock: operations stopped at their share of the budget,
    # the whole budget spent before the last operation ("reached after 2 of 5"), or both.
    notes = [n for n in report.run.notes if n.startswith("time budget of 2s")]
    assert notes, report.run.notes
    for note in notes:
        assert re.fullmatch(
            r"time budget of 2s(?: reached after \d+ of \d+ operations"
            r"|: \d+ of \d+ operations cut short at their share of it)",
            note,
        ), note


def test_a_budget_spent_before_any_answer_says_so_and_is_no_clean_pass() -> None:
    # the budget runs from the start, document and schema loading included: gone at once
    with pytest.raises(TargetError) as error:
        fuzz(apps.contract_gaps(), max_examples=50, seed=1, time_budget=1e-9)
    assert str(error.value) == (
        "<contract gaps>: no request was answered with success (2xx), so nothing was tested "
        "(answers: none); the time budget of 1e-09s ran out first: give it more"
    )


def test_time_budget_interrupts_generation_itself() -> None:
    fuzz(apps.lax_model(), max_examples=1, seed=1)  # the imports, which the budget counts
    started = time.monotonic()
    report = fuzz(apps.lax_model(), max_examples=100_000, seed=1, time_budget=1.0)
    assert time.monotonic() - started < 10
    assert any("time budget of 1s reached" in note for note in report.run.notes)
    assert report.run.requests > 10  # it did fuzz until the budget ran out


def test_operations_limit_the_run() -> None:
    report = fuzz(apps.contract_gaps(), max_examples=5, seed=1, operations=["get /readme"])
    assert report.run.operations == ["GET /readme"]
    assert {f.operation for f in report.findings} == {"GET /readme"}


def test_an_unknown_operation_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no operation 'GET /nowhere'"):
        fuzz(apps.contract_gaps(), operations=["GET /nowhere"])


def test_lax_coercion_is_a_warning_and_breaking_when_strict() -> None:
    lax = fuzz(apps.lax_model(), max_examples=10, seed=5)
    (finding,) = lax.findings
    assert (finding.id, finding.operation) == ("accepted-invalid-input", "POST /counts")
    assert finding.location == "request body /count (coerced)"
    assert finding.severity is Severity.WARNING
    assert finding.details["coercion"] is True
    assert lax.exit_code("breaking") == 0

    strict = fuzz(apps.lax_model(), max_examples=10, seed=5, strict=True)
    coerced = [f for f in strict.findings if f.id == "accepted-invalid-input"]
    assert [f.severity for f in coerced] == [Severity.BREAKING]


def test_the_framework_400_for_unparsable_bodies_is_a_finding_only_when_strict() -> None:
    framework = ("undocumented-status-code", "POST /strict-counts", "response 400")
    plain = fuzz(apps.lax_model(), max_examples=25, seed=7)
    strict = fuzz(apps.lax_model(), max_examples=25, seed=7, strict=True)
    assert framework not in {(f.id, f.operation, f.location) for f in plain}
    assert framework in {(f.id, f.operation, f.location) for f in strict}


def test_the_report_validates_and_carries_reproduction_and_request() -> None:
    report = fuzz(apps.contract_gaps(), max_examples=5, seed=2)
    data = json.loads(report.to_json())
    jsonschema_rs.validator_for(report_schema()).validate(data)
    assert data["command"] == "fuzz"
    for finding in data["findings"]:
        assert finding["source"] == "fuzz"
        assert finding["details"]["request"]["method"] == finding["operation"].split()[0]


def test_configured_credentials_show_as_their_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICES_KEY", "key-from-the-environment")
    config = Config.model_validate({"fuzz": {"headers": {"X-Api-Key": "${PRICES_KEY}"}}})
    report = fuzz(apps.broken_response(), max_examples=5, seed=1, config=config)
    (finding,) = report.findings
    # in double quotes, so that the shell reads the variable
    assert '-H "X-Api-Key: ${PRICES_KEY}"' in finding.details["reproduce"]
    assert finding.details["request"]["headers"]["X-Api-Key"] == "${PRICES_KEY}"
    assert "key-from-the-environment" not in report.to_json()


def test_a_literal_header_is_redacted_in_the_report() -> None:
    secret = "Bearer literal-secret-value"
    report = fuzz(apps.broken_response(), max_examples=5, seed=1, headers=[("X-Api-Key", secret)])
    (finding,) = report.findings
    assert finding.details["request"]["headers"]["X-Api-Key"] == "${X_API_KEY}"
    assert '-H "X-Api-Key: ${X_API_KEY}"' in finding.details["reproduce"]
    assert any("X_API_KEY (the X-Api-Key header)" in note for note in report.run.notes)
    assert secret not in report.to_json()


def test_a_missing_environment_variable_in_headers_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    config = Config.model_validate({"headers": {"Authorization": "Bearer ${NOT_SET_ANYWHERE}"}})
    with pytest.raises(ConfigError, match="NOT_SET_ANYWHERE is not set"):
        fuzz(apps.crash(), config=config)


def test_warnings_during_a_run_become_notes_not_output() -> None:
    app = FastAPI()

    @app.get("/old")
    def old() -> dict[str, bool]:
        warnings.warn("this handler is deprecated in spirit", UserWarning, stacklevel=1)
        return {"ok": True}

    report = fuzz(app, max_examples=2, seed=1)  # warnings are errors in this test run
    assert "warning: this handler is deprecated in spirit" in report.run.notes


def test_fuzz_can_be_called_from_inside_an_event_loop() -> None:
    async def inside() -> Report:
        return fuzz(apps.crash(), max_examples=5, seed=1)

    report = asyncio.run(inside())
    assert {f.id for f in report.findings} == {"server-error"}


def test_a_spec_file_is_not_a_fuzz_target() -> None:
    with pytest.raises(UsageError, match="fuzzing needs a live target"):
        fuzz("openapi.json")


def two_defects_in_one_operation() -> FastAPI:
    """A division by zero and, behind it, documented bounds that are never enforced."""
    app = FastAPI()

    @app.get("/pricing/per-seat")
    def per_seat(
        total: Annotated[Decimal, Query(examples=["490.00"])],
        seats: Annotated[int, Query(json_schema_extra={"minimum": 1, "maximum": 1000})],
    ) -> dict[str, str]:
        return {"per_seat": str((total / seats).quantize(Decimal("0.01")))}

    return app


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_a_crash_and_an_unenforced_bound_in_one_operation_are_both_found(seed: int) -> None:
    # The bound is found by the deterministic coverage case ?total=0&seats=1001, which
    # schemathesis 4.32.5 waives because the other parameter, total, was sent valid.
    report = fuzz(two_defects_in_one_operation(), seed=seed)
    found = {(f.id, f.location) for f in report.findings}
    assert ("accepted-invalid-input", "request query seats") in found
    assert any(rule == "server-error" for rule, _ in found)


def test_hypothesis_rounds_go_on_while_each_finds_a_new_cause() -> None:
    """Hypothesis ends a run at its first failure: a round that found something new is
    followed by another, and the first round that finds nothing new ends the operation."""
    from types import SimpleNamespace

    from hypothesis import strategies as st

    from driftguard.fuzzing import engine

    new_per_round = [{("server-error", "a")}, {("server-error", "b")}, set(), {("x", "c")}]
    found: set[tuple[str, str]] = set()
    rounds: list[tuple[int, set[tuple[str, str]]]] = []

    def generate_round(
        operation: object,
        context: object,
        strategy: object,
        known: set[tuple[str, str]],
        number: int,
    ) -> None:
        rounds.append((number, set(known)))
        found.update(new_per_round[number])

    run = SimpleNamespace(
        collector=SimpleNamespace(keys=lambda label: set(found)),
        out_of_time=lambda: False,
        options=SimpleNamespace(headers={}),
        _generate_round=generate_round,
    )
    operation = SimpleNamespace(label="GET /x", as_strategy=lambda **kwargs: st.none())
    engine.Run._generate(run, operation, None)  # type: ignore[arg-type]
    assert [number for number, _ in rounds] == [0, 1, 2]
    assert rounds[2][1] == {("server-error", "a"), ("server-error", "b")}  # known going in


def test_the_configured_policy_applies_to_a_library_fuzz_run() -> None:
    """[tool.driftguard] severity and ignore_findings hold for fuzz(config=...) too."""
    plain = fuzz(apps.crash(), max_examples=5, seed=1)
    assert [f.severity for f in plain.findings] == [Severity.BREAKING]
    lowered = Config.model_validate({"severity": {"server-error": "info"}})
    report = fuzz(apps.crash(), max_examples=5, seed=1, config=lowered)
    assert [(f.id, f.severity) for f in report.findings] == [("server-error", Severity.INFO)]
    assert report.exit_code("breaking") == 0
    ignored = Config.model_validate({"ignore_findings": [plain.findings[0].fingerprint]})
    assert fuzz(apps.crash(), max_examples=5, seed=1, config=ignored).findings == []
