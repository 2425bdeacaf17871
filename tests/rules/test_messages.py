"""Messages show the values of a finding as JSON writes them, never as Python does."""

from __future__ import annotations

import copy
from typing import Any

from driftguard import diff_specs
from driftguard.rules import finding, render

OLD: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "values", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "parameters": [
                    {
                        "name": "active",
                        "in": "query",
                        "schema": {"type": "boolean", "default": True},
                    },
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["a", "b", "c"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "tags": {"type": "array", "default": ["x"]},
                                        "meta": {"type": "object", "default": {"a": 1}},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def _new() -> dict[str, Any]:
    new = copy.deepcopy(OLD)
    operation = new["paths"]["/items"]["get"]
    operation["parameters"][0]["schema"]["default"] = False
    operation["parameters"][1]["schema"]["enum"] = ["a", "b"]
    properties = operation["responses"]["200"]["content"]["application/json"]["schema"]
    properties["properties"]["tags"]["default"] = ["y"]
    properties["properties"]["meta"]["default"] = {"a": 2, "b": None}
    return new


def test_a_diff_says_true_null_and_lists_as_json_does() -> None:
    messages = sorted(f.message for f in diff_specs(OLD, _new()).findings)
    assert messages == [
        "query parameter 'active' default value changed from true to false",
        "query parameter 'kind' enum values removed: [\"c\"]",
        'response property \'meta\' default value changed from {"a": 1} to {"a": 2, "b": null}',
        'response property \'tags\' default value changed from ["x"] to ["y"]',
    ]


def test_a_quoted_value_is_quoted_as_json_and_other_texts_stay_as_they_are() -> None:
    found = finding(
        "response-value-changed",
        operation="GET /plans",
        location="response 200 $.state",
        details={"path": "$.state", "old": "on", "new": None, "probe": "plans"},
    )
    assert found.message == '$.state: "on" -> null in the response of plans'
    assert found.details["new"] is None  # the report keeps the value itself
    assert render(
        "{n} of {total}, {ratio} {name}", {"n": 2, "total": 3, "ratio": 0.5, "name": "x"}
    ) == ("2 of 3, 0.5 x")
    assert render("{missing}", {}) == "?"
