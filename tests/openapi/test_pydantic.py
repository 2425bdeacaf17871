"""FastAPI + Pydantic 1 vs FastAPI + Pydantic 2: only the real contract changes above info.

tests/data/pydantic/app.py is one app; its Pydantic 1 document is committed beside it
(generate.sh rebuilds it in a throwaway FastAPI 0.99 + Pydantic 1.10 environment), its
Pydantic 2 document is generated here, live, by the FastAPI of this environment.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from driftguard import Report, diff_specs

DATA = Path(__file__).resolve().parents[1] / "data" / "pydantic"


def _pydantic2_document() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("driftguard_test_pydantic_app", DATA / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    document: dict[str, Any] = module.app.openapi()
    return document


@pytest.fixture(scope="module")
def report() -> Report:
    old = json.loads((DATA / "openapi-pydantic1.json").read_text())
    assert old["info"]["title"] == "pydantic drift"
    return diff_specs(old, _pydantic2_document())


def test_the_two_documents_really_differ_in_spelling() -> None:
    old = (DATA / "openapi-pydantic1.json").read_text()
    new = json.dumps(_pydantic2_document())
    assert '"Item-Output"' in new
    assert '"Item-Output"' not in old
    assert '{"type": "null"}' in new  # anyOf-null: Pydantic 1 never wrote it


def test_only_real_contract_changes_are_above_info(report: Report) -> None:
    above_info = sorted(
        (f.severity.value, f.id, f.operation, f.location)
        for f in report.findings
        if f.severity.value != "info"
    )
    assert above_info == [
        # Optional[str] without a default: optional in Pydantic 1, required in Pydantic 2
        (
            "breaking",
            "request-property-became-required",
            "POST /items",
            "request body application/json /description",
        ),
        # Decimal: a JSON number in Pydantic 1, a string in Pydantic 2 responses
        (
            "breaking",
            "response-property-type-changed",
            "GET /items",
            "response 200 application/json /items/[]/price",
        ),
        (
            "breaking",
            "response-property-type-changed",
            "GET /items/{item_id}",
            "response 200 application/json /price",
        ),
        (
            "breaking",
            "response-property-type-changed",
            "POST /items",
            "response 201 application/json /price",
        ),
        (
            "breaking",
            "response-property-type-changed",
            "PUT /items/{item_id}",
            "response 200 application/json /price",
        ),
        # the same info.version on both sides, though the upgrade breaks clients
        ("warning", "api-major-version-not-bumped", None, "info.version"),
    ]


def test_cosmetic_differences_are_information(report: Report) -> None:
    info = {(f.id, f.operation, f.location) for f in report.findings if f.severity.value == "info"}
    # Item -> Item-Input / Item-Output
    renames = sorted(f.details["to"] for f in report.findings if f.id == "component-renamed")
    assert renames == ["Item-Input", "Item-Output"]
    # Optional[str] = None: no type in Pydantic 1, anyOf [string, null] in Pydantic 2
    assert ("request-parameter-became-nullable", "GET /items", "parameter query q") in info
    # a Decimal request property now also accepts a string
    assert (
        "request-property-any-of-added",
        "PUT /items/{item_id}",
        "request body application/json /price",
    ) in info
