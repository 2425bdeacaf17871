"""Objects whose keys are data are maps: inferred from the keys, or declared by the spec."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.shapes import Shape, compare_shapes, infer_shape, parse_path
from driftguard.shapes.maps import MANY_KEYS, as_maps, map_paths


def ids(old: Any, new: Any) -> list[tuple[str, str]]:
    report = compare_shapes(infer_shape(old), new, probe="p")
    return [(f.id, f.details["path"]) for f in report.findings]


@pytest.mark.parametrize(
    "keys",
    [
        ["EUR", "GBP"],
        ["1", "2", "17"],
        ["6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11", "0a1b2c3d-4b51-4c35-9e7f-0e9b7b0c8a11"],
        ["2024-05-01", "2024-05-02"],
        [f"name{i}" for i in range(MANY_KEYS)],
    ],
)
def test_keys_that_are_data_make_a_map(keys: list[str]) -> None:
    shape = infer_shape({"rates": dict.fromkeys(keys, 1.5)}).fields["rates"]
    assert shape.is_map
    assert shape.fields == {}
    assert shape.to_dict() == {
        "type": "object",
        "additionalProperties": {"type": "number", "example": 1.5},
    }
    assert Shape.from_dict(shape.to_dict()) == shape
    assert shape.describe() == "map of number"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ada", "email": "ada@example.com"},  # a few named fields
        {"EUR": 1.1, "GBP": "0.8"},  # currency-like keys whose values differ in shape
        {"USD": 1.0},  # one key proves nothing
        {f"name{i}": 1 for i in range(MANY_KEYS - 1)} | {"x": "s"},  # many keys, two shapes
    ],
)
def test_a_normal_object_stays_an_object(body: dict[str, Any]) -> None:
    assert not infer_shape(body).is_map


def test_other_keys_with_the_same_value_shape_is_no_finding() -> None:
    assert ids({"rates": {"EUR": 1.1, "GBP": 0.8}}, {"rates": {"USD": 1.0, "JPY": 150}}) == []
    # one key is an object, the recorded map decides
    assert ids({"rates": {"EUR": 1.1, "GBP": 0.8}}, {"rates": {"USD": 1.0}}) == []
    assert ids({"rates": {"EUR": 1.1, "GBP": 0.8}}, {"rates": {}}) == []


def test_the_value_shape_changing_is_reported_at_the_values_path() -> None:
    assert ids({"rates": {"EUR": 1.1, "GBP": 0.8}}, {"rates": {"USD": "1.0", "JPY": "150"}}) == [
        ("response-field-type-changed", "$.rates.*")
    ]
    by_day = {"2024-05-01": {"open": 1, "close": 2}, "2024-05-02": {"open": 1, "close": 2}}
    renamed = {"2024-06-01": {"open": 1, "last": 2}, "2024-06-02": {"open": 1, "last": 2}}
    assert ids({"days": by_day}, {"days": renamed}) == [
        ("response-field-renamed", "$.days.*.close")
    ]
    assert parse_path("$.days.*.close") == ("days", "*", "close")


def test_a_recorded_object_of_named_fields_is_not_hidden_by_a_live_map() -> None:
    old = {"user": {"name": "Ada", "email": "ada@example.com"}}
    new = {"user": {"1": "Ada", "2": "ada@example.com"}}
    assert ("response-field-removed", "$.user.name") in ids(old, new)
    # an old snapshot of a map, stored before maps existed (currency fields), still works
    assert ids({"rates": {"EUR": 1.1}}, {"rates": {"USD": 1.0, "JPY": 2.0}}) == []


def test_old_shape_files_still_load() -> None:
    stored = {"type": "object", "properties": {"EUR": {"type": "number"}}}
    assert Shape.from_dict(stored).fields["EUR"].types == {"number"}
    with pytest.raises(ValueError, match="additionalProperties"):
        Shape.from_dict({**stored, "additionalProperties": {"type": "number"}})


def test_the_spec_declares_maps_where_keys_do_not_look_like_data() -> None:
    document = {
        "components": {
            "schemas": {
                "Prices": {"type": "object", "additionalProperties": {"type": "number"}},
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        }
                    },
                },
            }
        }
    }
    schema = {
        "type": "object",
        "properties": {
            "prices": {"$ref": "#/components/schemas/Prices"},
            "meta": {
                "type": "object",
                "properties": {"a": {}},
                "additionalProperties": {"type": "string"},
            },
            "open": {"type": "object", "additionalProperties": True},
            "tree": {"$ref": "#/components/schemas/Node"},
            "groups": {
                "type": "array",
                "items": {"additionalProperties": {"$ref": "#/components/schemas/Prices"}},
            },
        },
    }
    paths = map_paths(schema, document)
    assert paths == {("prices",), ("groups", None), ("groups", None, "*")}
    body = {"prices": {"basic": 1.0, "pro": 2.5}, "meta": {"a": "x", "b": "y"}}
    shape = as_maps(infer_shape(body), paths)
    assert shape.fields["prices"].is_map
    assert not shape.fields["meta"].is_map
    live = infer_shape({"prices": {"enterprise": 9.0}, "meta": {"a": "x", "b": "y"}})
    assert compare_shapes(shape, live, probe="p").findings == []


@pytest.mark.parametrize(
    "response",
    ["x", None, {"content": "x"}, {"content": {"application/json": "x"}}, {"$ref": "#/nowhere"}],
)
def test_a_malformed_response_declares_no_map(response: Any) -> None:
    from driftguard.shapes.maps import declared_maps
    from driftguard.snapshots.record import ResponseRecord

    record = ResponseRecord.from_json({"a": 1}, status=200, request={"method": "GET", "path": "/a"})
    document = {"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": response}}}}}
    assert declared_maps(document, {"a": record}) == {}
