"""The canonical form: every spelling of one contract becomes the same JSON."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.openapi.normalize import normalize, normalize_schema

REF = {"$ref": "#/components/schemas/User"}

SAME_CONTRACT: list[tuple[str, Any, Any]] = [
    (
        "nullable 3.0 vs type list 3.1",
        {"type": "string", "nullable": True},
        {"type": ["string", "null"]},
    ),
    (
        "nullable vs anyOf with null",
        {"type": "integer", "nullable": True},
        {"anyOf": [{"type": "integer"}, {"type": "null"}]},
    ),
    (
        "nullable ref: allOf vs anyOf",
        {"allOf": [REF], "nullable": True},
        {"anyOf": [REF, {"type": "null"}]},
    ),
    (
        "enum with null",
        {"type": ["string", "null"], "enum": ["a", None]},
        {"type": "string", "nullable": True, "enum": ["a"]},
    ),
    (
        "one-value enum vs const",
        {"type": "string", "enum": ["x"]},
        {"type": "string", "const": "x"},
    ),
    ("enum order and duplicates", {"enum": ["b", "a", "b"]}, {"enum": ["a", "b"]}),
    (
        "oneOf of consts is an enum",
        {"type": "integer", "oneOf": [{"const": 2, "title": "B"}, {"const": 1}]},
        {"type": "integer", "enum": [1, 2]},
    ),
    (
        "boolean vs numeric exclusiveMinimum",
        {"minimum": 0, "exclusiveMinimum": True},
        {"exclusiveMinimum": 0},
    ),
    (
        "boolean vs numeric exclusiveMaximum",
        {"maximum": 5, "exclusiveMaximum": True},
        {"exclusiveMaximum": 5},
    ),
    ("exclusiveMinimum false", {"minimum": 0, "exclusiveMinimum": False}, {"minimum": 0}),
    (
        "0.0 vs 0",
        {"maximum": 10.0, "default": 0.0, "enum": [1.0, 2]},
        {"maximum": 10, "default": 0, "enum": [1, 2]},
    ),
    ("single-$ref allOf", {"allOf": [REF], "description": "the owner"}, REF),
    ("single-branch anyOf", {"anyOf": [{"type": "string"}]}, {"type": "string"}),
    (
        "annotations dropped",
        {
            "type": "string",
            "title": "T",
            "description": "d",
            "example": "x",
            "examples": ["y"],
            "x-internal": True,
        },
        {"type": "string"},
    ),
    (
        "key order",
        {"type": "object", "required": ["b", "a"], "properties": {"b": {}, "a": {}}},
        {"properties": {"a": {}, "b": {}}, "required": ["a", "b"], "type": "object"},
    ),
    (
        "type inferred from properties",
        {"properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "string"}}},
    ),
    (
        "type inferred from items",
        {"items": {"type": "string"}},
        {"type": "array", "items": {"type": "string"}},
    ),
    (
        "additionalProperties true",
        {"type": "object", "additionalProperties": True},
        {"type": "object", "additionalProperties": {}},
    ),
    ("minLength 0 says nothing", {"type": "string", "minLength": 0}, {"type": "string"}),
    ("boolean schemas", True, {}),
]


@pytest.mark.parametrize(
    ("old", "new"), [c[1:] for c in SAME_CONTRACT], ids=[c[0] for c in SAME_CONTRACT]
)
def test_spellings_of_one_contract_normalise_alike(old: Any, new: Any) -> None:
    assert normalize_schema(old) == normalize_schema(new)


DIFFERENT_CONTRACTS = [
    ({"type": "string"}, {"type": "string", "nullable": True}),
    ({"minimum": 0}, {"exclusiveMinimum": 0}),
    ({"enum": ["a"]}, {"enum": ["a", "b"]}),
    ({"type": "integer"}, {"type": "number"}),
    ({"allOf": [REF, {"required": ["id"]}]}, REF),
    ({"type": "object", "additionalProperties": False}, {"type": "object"}),
    ({"oneOf": [{"const": 1}, {"type": "string"}]}, {"enum": [1]}),
]


@pytest.mark.parametrize(("old", "new"), DIFFERENT_CONTRACTS)
def test_different_contracts_stay_different(old: Any, new: Any) -> None:
    assert normalize_schema(old) != normalize_schema(new)


def test_the_canonical_form_keeps_references() -> None:
    cyclic = {"type": "object", "properties": {"parent": {"$ref": "#/components/schemas/Node"}}}
    assert normalize_schema(cyclic)["properties"]["parent"] == {"$ref": "#/components/schemas/Node"}


def test_siblings_that_constrain_a_reference_become_an_allof() -> None:
    schema = normalize_schema({"$ref": "#/components/schemas/Tags", "items": {"maxLength": 3}})
    assert schema == {
        "allOf": [
            {"$ref": "#/components/schemas/Tags"},
            {"type": ["array"], "items": {"maxLength": 3}},
        ]
    }
    assert normalize_schema(schema) == schema


def test_normalize_reaches_every_schema_of_a_document() -> None:
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/a": {
                "get": {
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "nullable": True}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"const": 1}}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"A": {"title": "A", "type": "object"}}},
    }
    result = normalize(document)
    get = result["paths"]["/a"]["get"]
    assert get["parameters"][0]["schema"] == {"type": ["string"], "nullable": True}
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "enum": [1],
        "type": ["integer"],
    }
    assert result["components"]["schemas"]["A"] == {"type": ["object"]}
    assert get["responses"]["200"]["description"] == "ok"  # not a schema: untouched


@pytest.mark.parametrize(
    ("values", "types"),
    [
        (["a", "b"], ["string"]),
        ([1, 2], ["integer"]),
        ([1, 2.5], ["number"]),
        ([True], ["boolean"]),
        (["a", 1], ["integer", "string"]),
        ([{"a": 1}], ["object"]),
        ([[1]], ["array"]),
    ],
)
def test_an_enum_without_a_type_has_the_type_of_its_values(values: list, types: list) -> None:
    assert normalize_schema({"enum": values})["type"] == types
    assert normalize_schema({"enum": values}) == normalize_schema({"type": types, "enum": values})
