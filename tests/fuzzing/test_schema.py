"""Reading a request body against its schema: field pointers and Pydantic lax coercion."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.fuzzing.schema import field_pointer, lax_coerce

ROOT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "minimum": 0},
        "price": {"anyOf": [{"type": "number"}, {"type": "null"}]},
        "active": {"type": "boolean"},
        "name": {"type": "string"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
        "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"count": "2"}, {"count": 2}),
        ({"count": " 3 "}, {"count": 3}),
        ({"count": "2.0"}, {"count": 2}),
        ({"count": True}, {"count": 1}),
        ({"count": "2.5"}, {"count": "2.5"}),  # not an integer in any reading
        ({"price": "1.5"}, {"price": 1.5}),
        ({"price": "nan"}, {"price": "nan"}),
        ({"active": "yes"}, {"active": True}),
        ({"active": 0}, {"active": False}),
        ({"name": 5}, {"name": 5}),  # Pydantic 2 never turns a number into a string
        ({"lines": [{"qty": "4"}]}, {"lines": [{"qty": 4}]}),
        ({"tags": {"x": "7"}}, {"tags": {"x": 7}}),
        ({"unknown": "1"}, {"unknown": "1"}),
    ],
)
def test_lax_coercion_reads_like_pydantic(body: dict[str, Any], expected: dict[str, Any]) -> None:
    assert lax_coerce(body, ROOT_SCHEMA, ROOT_SCHEMA) == expected


def test_field_pointer_names_fields_not_generated_values() -> None:
    assert field_pointer(["lines", 3, "qty"], ROOT_SCHEMA, ROOT_SCHEMA) == "/lines/*/qty"
    assert field_pointer(["tags", "random-key"], ROOT_SCHEMA, ROOT_SCHEMA) == "/tags/*"
    assert field_pointer([], ROOT_SCHEMA, ROOT_SCHEMA) == "/"
    assert field_pointer(["a/b"], {"properties": {"a/b": {}}}, {}) == "/a~1b"
