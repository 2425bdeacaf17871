"""The judge reads answers as a person would: business rules, warnings, two crashes over HTTP."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated

import pytest
import schemathesis
from fastapi import Cookie, FastAPI, Header, Query
from schemathesis.core.parameters import ParameterLocation

from driftguard import Report, fuzz
from driftguard.fuzzing._compat import parameter_validator
from driftguard.fuzzing.reading import read_as_list, sent_value_is_valid, wire_text_is_valid
from driftguard.fuzzing.transport import Request
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


def _wire_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def item(
        item_id: int,
        limit: Annotated[int, Query(le=100)] = 10,
        ratio: float = 1.0,
        fresh: bool = False,
        x_page: Annotated[int, Header()] = 1,
        session: Annotated[int, Cookie()] = 0,
    ) -> None:
        return None

    return app


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("0", True),
        ("0.0", True),  # the number 0.0, an integer to JSON Schema (draft 6 on)
        ("-7e1", True),  # -70
        ("100", True),
        ("101", False),  # past the maximum
        ("0.5", False),
        ("1_0", False),  # Python reads 10; no server does
        (" 5", False),
        ("٣", False),  # an Arabic-Indic three
        ("nan", False),
        ("1e400", False),  # infinity
        ("[0]", False),
        ("", False),
    ],
)
def test_a_sent_integer_is_read_as_json_writes_numbers(text: str, valid: bool) -> None:
    schema = schemathesis.openapi.from_dict(_wire_app().openapi())
    limit = schema["/items/{item_id}"]["GET"].query.get("limit")
    is_valid = parameter_validator(limit).is_valid
    assert wire_text_is_valid(text, is_valid, ["integer"]) is valid


def test_a_negation_that_reaches_the_wire_valid_is_no_invalid_input() -> None:
    # schemathesis 4.30.1 negates an integer `limit` into the array [0.0], sent `?limit=0.0`:
    # the number zero. A finding for it would say an array was accepted; none was sent.
    operation = schemathesis.openapi.from_dict(_wire_app().openapi())["/items/{item_id}"]["GET"]
    case = SimpleNamespace(operation=operation)

    def sent(url: str, **headers: str) -> Request:
        return Request("GET", f"http://127.0.0.1{url}", tuple(headers.items()))

    query, path = ParameterLocation.QUERY, ParameterLocation.PATH
    header, cookie = ParameterLocation.HEADER, ParameterLocation.COOKIE
    assert sent_value_is_valid(case, sent("/items/1?limit=0.0"), query, "limit")
    assert not sent_value_is_valid(case, sent("/items/1?limit=0.5"), query, "limit")
    assert not sent_value_is_valid(case, sent("/items/1?limit=0&limit=1"), query, "limit")
    assert not sent_value_is_valid(case, sent("/items/1"), query, "limit")
    assert sent_value_is_valid(case, sent("/items/1?fresh=true"), query, "fresh")
    assert not sent_value_is_valid(case, sent("/items/1?fresh=yes"), query, "fresh")
    assert sent_value_is_valid(case, sent("/items/1?ratio=2.5e-1"), query, "ratio")
    assert sent_value_is_valid(case, sent("/api/items/3.0"), path, "item_id")
    assert not sent_value_is_valid(case, sent("/items/%5B3%5D"), path, "item_id")
    assert sent_value_is_valid(case, sent("/items/1", **{"x-page": "2"}), header, "x-page")
    assert not sent_value_is_valid(case, sent("/items/1", **{"x-page": "two"}), header, "x-page")
    assert sent_value_is_valid(case, sent("/items/1", cookie="session=4; a=b"), cookie, "session")
    assert not sent_value_is_valid(case, sent("/items/1", cookie="session=x"), cookie, "session")
    assert not sent_value_is_valid(case, sent("/items/1?limit=0"), query, "*")
