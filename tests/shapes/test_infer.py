"""Inferring shapes: types, optional vs nullable, merged array items, string formats."""

from __future__ import annotations

import json
from typing import Any

import pytest

from driftguard import UsageError
from driftguard.shapes import Shape, infer_shape


def field(shape: Shape, *path: str) -> Shape:
    for name in path:
        shape = shape.items if name == "[*]" else shape.fields[name]  # type: ignore[assignment]
    return shape


def test_integer_and_number_are_different_types() -> None:
    shape = infer_shape({"count": 3, "ratio": 0.5, "flag": True, "nothing": None})
    assert field(shape, "count").types == {"integer"}
    assert field(shape, "ratio").types == {"number"}
    assert field(shape, "flag").types == {"boolean"}
    assert field(shape, "nothing").types == {"null"}


def test_a_missing_key_is_optional_and_a_null_value_is_nullable() -> None:
    shape = infer_shape([{"a": 1, "b": None}, {"a": 2, "b": "x"}, {"b": "y"}])
    items = field(shape, "[*]")
    assert items.optional == {"a"}
    assert field(items, "a").types == {"integer"}
    assert field(items, "b").types == {"null", "string"}
    assert "b" not in items.optional


def test_array_items_merge_into_one_shape() -> None:
    shape = infer_shape({"values": [1, 2.5, 3]})
    assert field(shape, "values").types == {"array"}
    assert field(shape, "values", "[*]").types == {"number"}  # integers are numbers too


def test_an_empty_array_has_no_item_shape() -> None:
    assert infer_shape([]).items is None
    assert infer_shape([[], [1]]).items == infer_shape([[1]]).items


def test_nested_arrays_of_objects_are_merged_per_key() -> None:
    body = {"orders": [{"lines": [{"p": 1}]}, {"lines": [{"p": 2, "q": "x"}, {"p": 3}]}]}
    lines = field(infer_shape(body), "orders", "[*]", "lines", "[*]")
    assert set(lines.fields) == {"p", "q"}
    assert lines.optional == {"q"}


@pytest.mark.parametrize(
    ("value", "fmt", "style"),
    [
        ("2024-05-01T12:00:00Z", "date-time", "Z"),
        ("2024-05-01T12:00:00.123456+00:00", "date-time", "+00:00"),
        ("2024-05-01T12:00:00+0200", "date-time", "+0000"),
        ("2024-05-01T12:00:00", "date-time", "naive"),
        ("2024-05-01", "date", None),
        ("12:30:00", "time", None),
        ("PT1M30.5S", "duration", None),
        ("P3DT4H", "duration", None),
        ("6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11", "uuid", "lower-case"),
        ("6F1C1F36-4B51-4C35-9E7F-0E9B7B0C8A11", "uuid", "upper-case"),
        ("ada@example.com", "email", None),
        ("https://example.com/", "uri", "trailing slash"),
        ("https://example.com/docs", "uri", "no trailing slash"),
        ("10.50", "numeric", "2 decimals"),
        ("10.5", "numeric", "1 decimal"),
        ("42", "numeric", "integer"),
        ("Ada Lovelace", None, None),
        ("P", None, None),
        ("", None, None),
    ],
)
def test_string_formats_and_styles(value: str, fmt: str | None, style: str | None) -> None:
    shape = infer_shape(value)
    assert (shape.types, shape.format, shape.style) == ({"string"}, fmt, style)


def test_a_format_holds_only_when_every_value_has_it() -> None:
    mixed = infer_shape(["2024-05-01T12:00:00Z", "yesterday"])
    assert mixed.items is not None
    assert mixed.items.format is None
    styles = infer_shape(["2024-05-01T12:00:00Z", "2024-05-01T12:00:00+00:00"]).items
    assert styles is not None
    assert (styles.format, styles.style) == ("date-time", "+00:00 or Z")  # mixed: both kept
    precision = infer_shape(["1.5", "2.25"]).items
    assert precision is not None
    assert (precision.format, precision.style) == ("numeric", None)


def test_ignored_paths_are_left_out() -> None:
    body = {"id": 1, "meta": {"created_at": "x", "n": 1}, "items": [{"id": 2, "created_at": "y"}]}
    shape = infer_shape(body, ignore=["$..created_at", "$.items[*].id"])
    assert set(field(shape, "meta").fields) == {"n"}
    assert set(field(shape, "items", "[*]").fields) == set()
    assert "id" in shape.fields


def test_round_trip_through_plain_json() -> None:
    body = {
        "id": "6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11",
        "lines": [{"price": "1.50", "n": 1}, {"price": "2.00"}],
        "when": None,
        "tags": [],
        "odd key": {"x": [True, None]},
    }
    shape = infer_shape(body)
    data = json.loads(json.dumps(shape.to_dict()))
    assert Shape.from_dict(data) == shape
    assert list(data["properties"]) == sorted(data["properties"])


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"type": "thing"},
        {"type": "object", "properties": []},
        {"type": "string", "format": 3},
        {"type": "object", "optional": "a"},
        {"type": "object", "colour": "red"},
        {"type": "array", "items": {"type": []}},
        {"type": "string", "example": {"nested": True}},
    ],
)
def test_malformed_shape_documents_are_refused(data: Any) -> None:
    with pytest.raises(ValueError, match=r"\$"):
        Shape.from_dict(data)


def test_merge_keeps_null_apart_from_optional() -> None:
    one = infer_shape({"a": 1})
    other = infer_shape({"a": None, "b": True})
    merged = one.merge(other)
    assert field(merged, "a").types == {"integer", "null"}
    assert merged.optional == {"b"}


def test_merge_of_integer_and_number_is_number() -> None:
    assert infer_shape(1).merge(infer_shape(1.5)).types == {"number"}


def test_shapes_are_immutable_and_hashable() -> None:
    shape = infer_shape({"a": [1]})
    with pytest.raises(AttributeError):
        shape.format = "x"  # type: ignore[misc]
    assert hash(shape) == hash(infer_shape({"a": [2]}))
    assert shape == infer_shape({"a": [2]})  # examples are evidence, not identity


def test_examples_are_kept_short() -> None:
    shape = infer_shape({"text": "x" * 500})
    assert len(field(shape, "text").example) < 130


def test_non_json_data_is_a_usage_error_naming_the_path() -> None:
    with pytest.raises(UsageError, match=r"\$\.a: set is not JSON data"):
        infer_shape({"a": {1}})


def test_enum_subclasses_count_as_their_json_type() -> None:
    import enum

    class Colour(enum.StrEnum):
        RED = "red"

    assert infer_shape({"c": Colour.RED}).fields["c"].types == {"string"}


@pytest.mark.parametrize(
    ("values", "style"),
    [
        (
            ["https://a.example/", "https://b.example", "https://c.example/"],
            "no trailing slash or trailing slash",
        ),
        (
            ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00+0000"],
            "+0000 or Z or naive",
        ),
        (
            ["6F1C1F36-4B51-4C35-9E7F-0E9B7B0C8A11", "6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11"],
            "lower-case or upper-case",
        ),
        (["6F1C1F36-4B51-4C35-9E7F-0E9b7b0c8a11", "6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11"], None),
        (["1.5", "1.25"], None),  # precision is an open set: more decimals are data
    ],
)
def test_a_mixed_column_records_every_spelling_it_saw(values: list[str], style: str | None) -> None:
    items = infer_shape(values).items
    assert items is not None
    assert items.style == style
    merged = infer_shape(values[0])  # the same column, merged value by value
    for value in values[1:]:
        merged = merged.merge(infer_shape(value))
    assert merged.style == style
    assert Shape.from_dict(items.to_dict()) == items
