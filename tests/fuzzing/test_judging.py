"""The judge reads answers as a person would: business rules, warnings, two crashes over HTTP."""

from __future__ import annotations

import pytest
import schemathesis

from driftguard import Report, fuzz
from driftguard.fuzzing._compat import parameter_validator
from driftguard.fuzzing.reading import read_as_list
from tests.fuzzing import judging_apps
from tests.servers import serve

EXAMPLES = 10


def keys(report: Report) -> set[tuple[str, str | None, str]]:
    return {(f.id, f.operation, f.location) for f in report.findings}


def test_a_handlers_own_refusal_is_not_rejected_valid_input() -> None:
    report = fuzz(judging_apps.business_rules(), max_examples=EXAMPLES, seed=4)
    rejected = {f.operation for f in report.findings if f.id == "rejected-valid-input"}
    # 400/409/403 with a string detail are the app's rules; the validator's 422 list is not
    assert rejected == {"POST /strict"}, report.to_json()


def test_a_warning_from_the_app_keeps_what_it_says_not_only_its_header() -> None:
    report = fuzz(judging_apps.warns(), max_examples=EXAMPLES, seed=5)
    assert report.run is not None
    notes = [note for note in report.run.notes if note.startswith("warning: ")]
    assert notes, report.run.notes
    assert all("Expected `int`" in note for note in notes), notes
    assert notes[0].startswith("warning: Pydantic serializer warnings: ")


@pytest.mark.parametrize("seed", [1, 2])
def test_arrays_and_forms_are_judged_as_fastapi_reads_them(seed: int) -> None:
    # an array header goes out as "1,2" (or "" for []), which FastAPI reads as one item
    report = fuzz(judging_apps.arrays(), seed=seed)
    assert report.findings == [], report.to_json()


@pytest.mark.parametrize("seed", [1, 2])
def test_two_crashes_of_one_operation_stay_two_over_http(seed: int) -> None:
    # no traceback over HTTP: the zero field that triggers each crash tells them apart
    with serve(judging_apps.two_crashes()) as url:
        report = fuzz(url, max_examples=EXAMPLES, seed=seed, allow_unsafe=True)
    crashes = {f.location: f for f in report.findings if f.id == "server-error"}
    assert set(crashes) == {
        "response 500 with zero or empty body /left",
        "response 500 with zero or empty body /right",
    }, report.to_json()
    assert crashes["response 500 with zero or empty body /left"].details["trigger"] == [
        "body /left"
    ]
    assert [f for f in report.findings if f.operation == "POST /sum"] == []


def test_a_query_array_of_one_item_sent_bare_is_read_as_a_list() -> None:
    schema = schemathesis.openapi.from_dict(judging_apps.arrays().openapi())
    operation = schema["/items"]["GET"]
    is_valid = parameter_validator(operation.query.get("tags")).is_valid
    assert read_as_list(["0"], is_valid)  # tags=0 is [0] to FastAPI
    assert read_as_list(["1", "2"], is_valid)  # tags=1&tags=2
    assert not read_as_list(["a"], is_valid)
    assert not read_as_list([], is_valid)
