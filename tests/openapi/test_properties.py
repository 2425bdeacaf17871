"""Properties of the diff that must hold for every document, not just the ones written down.

- a document diffed with itself (or with an equal copy, or with its own canonical form)
  finds nothing;
- normalising twice equals normalising once;
- a change and its reverse give mirrored ids (decreased/increased, added/removed, ...).
"""

from __future__ import annotations

import contextlib
import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftguard import DriftguardError, diff_specs
from driftguard.openapi.normalize import normalize, normalize_schema
from tests.openapi.cases import documents, mirror, place

COMPONENTS = ("Pet", "Owner", "Tag")
NAMES = ("id", "name", "full_name", "price", "tags", "owner", "kind")
PATTERNS = ("^[a-z]+$", "^[0-9]{3}$", "^x")
# DRIFTGUARD_EXAMPLES=2000 for a long hunt; the default keeps the suite fast.
SETTINGS = settings(
    max_examples=int(os.environ.get("DRIFTGUARD_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _nullable(schema: dict[str, Any], how: int) -> dict[str, Any]:
    """The same nullable schema in one of its spellings."""
    if how == 1:
        return {**schema, "nullable": True}
    if how == 2 and isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    if how == 3:
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum", "ref"]))
    schema: dict[str, Any]
    if kind == "string":
        schema = {"type": "string"}
        if draw(st.booleans()):
            schema["maxLength"] = draw(st.integers(1, 50))
        if draw(st.booleans()):
            schema["pattern"] = draw(st.sampled_from(PATTERNS))
        if draw(st.booleans()):
            schema["format"] = draw(st.sampled_from(["date", "date-time", "uuid"]))
    elif kind in ("integer", "number"):
        schema = {"type": kind}
        if draw(st.booleans()):
            schema["minimum"] = draw(st.integers(-5, 5)) * (1.0 if draw(st.booleans()) else 1)
            if draw(st.booleans()):
                schema["exclusiveMinimum"] = True
        if draw(st.booleans()):
            schema["maximum"] = draw(st.integers(10, 20))
        if draw(st.booleans()):
            schema["default"] = 7
    elif kind == "boolean":
        schema = {"type": "boolean", "description": "a flag", "title": "Flag"}
    elif kind == "enum":
        values = draw(st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True))
        schema = {"type": "string", "enum": values} if len(values) > 1 else {"const": values[0]}
    else:
        ref = {"$ref": f"#/components/schemas/{draw(st.sampled_from(COMPONENTS))}"}
        how = draw(st.integers(0, 3))
        if how == 0:
            schema = ref
        elif how == 1:
            schema = {"allOf": [ref], "description": "wrapped", "default": {}}
        elif how == 2:  # 3.1: keywords beside a reference narrow it
            schema = {**ref, "maxProperties": draw(st.integers(1, 5)), "required": ["id"]}
        else:
            schema = {**ref, "properties": {"extra": {"type": "string"}}}
    return _nullable(schema, draw(st.integers(0, 3)))


def _objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(st.sampled_from(NAMES), children, max_size=4))
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [n for n in properties if draw(st.booleans())]
        if required:
            schema["required"] = required
        return schema

    return build()


def _compositions(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Any]:
    return st.one_of(
        _objects(children),
        st.builds(lambda items: {"type": "array", "items": items}, children),
        st.builds(lambda b: {"oneOf": b}, st.lists(children, min_size=2, max_size=3)),
        st.builds(lambda b: {"anyOf": b}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda b: {"allOf": b}, st.lists(children, min_size=1, max_size=2)),
    )


schemas = st.recursive(leaves(), _compositions, max_leaves=8)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """A document whose components reference each other (cycles included)."""
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    components = {name: draw(_objects(schemas)) for name in COMPONENTS}
    return {
        "openapi": version,
        "info": {"title": "generated", "version": "1"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": draw(leaves())}
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "content": {"application/json": {"schema": draw(schemas)}},
                        }
                    },
                },
                "put": {
                    "requestBody": {
                        "content": {"application/json": {"schema": draw(schemas)}},
                    },
                    "responses": {"204": {"description": "stored"}},
                },
            }
        },
        "components": {"schemas": components},
    }


@SETTINGS
@given(specs())
def test_a_document_diffed_with_itself_finds_nothing(spec: dict[str, Any]) -> None:
    assert diff_specs(spec, spec).findings == []
    assert diff_specs(spec, copy.deepcopy(spec)).findings == []


@SETTINGS
@given(specs())
def test_a_document_and_its_canonical_form_are_the_same_contract(spec: dict[str, Any]) -> None:
    assert diff_specs(spec, normalize(spec)).findings == []
    assert diff_specs(normalize(spec), spec).findings == []


@SETTINGS
@given(schemas)
def test_normalising_twice_equals_normalising_once(schema: dict[str, Any]) -> None:
    once = normalize_schema(schema)
    assert normalize_schema(once) == once


@SETTINGS
@given(specs())
def test_normalising_a_document_twice_equals_once(spec: dict[str, Any]) -> None:
    once = normalize(spec)
    assert normalize(once) == once


# -- a change and its reverse -------------------------------------------------------------

BOUNDED = {
    "string": ("maxLength", "minLength"),
    "integer": ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"),
    "array": ("maxItems", "minItems"),
}


@st.composite
def changes(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A property schema and the same schema with exactly one contract change."""
    kind = draw(
        st.sampled_from(["bound", "enum", "nullable", "type", "required", "property", "oneOf"])
    )
    if kind == "bound":
        base_type = draw(st.sampled_from(sorted(BOUNDED)))
        keyword = draw(st.sampled_from(BOUNDED[base_type]))
        base: dict[str, Any] = {"type": base_type}
        if base_type == "array":
            base["items"] = {"type": "string"}
        before = draw(st.one_of(st.none(), st.integers(1, 20)))
        after = draw(st.one_of(st.none(), st.integers(1, 20)).filter(lambda v: v != before))
        old, new = dict(base), dict(base)
        if before is not None:
            old[keyword] = before
        if after is not None:
            new[keyword] = after
        return old, new
    if kind == "enum":
        values = draw(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=5, unique=True))
        if draw(st.booleans()):
            return {"type": "string"}, {"type": "string", "enum": values}
        return {"type": "string", "enum": values}, {"type": "string", "enum": values[:-1]}
    if kind == "nullable":
        schema = {"type": draw(st.sampled_from(["string", "integer", "boolean"]))}
        return schema, _nullable(schema, draw(st.integers(1, 3)))
    if kind == "type":
        return {"type": "integer"}, {"type": "number"}
    names = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=4, unique=True))
    properties = {n: {"type": "string"} for n in names}
    if kind == "required":
        return (
            {"type": "object", "properties": properties},
            {"type": "object", "properties": properties, "required": [names[0]]},
        )
    if kind == "property":
        fewer = {n: s for n, s in properties.items() if n != names[-1]}
        return {"type": "object", "properties": fewer}, {"type": "object", "properties": properties}
    branches = [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]
    return {"oneOf": branches[:2]}, {"oneOf": branches}


def _ids(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return sorted(f.id for f in diff_specs(old, new).findings)


@SETTINGS
@given(changes(), st.sampled_from(["request-property", "response-property"]))
def test_a_change_and_its_reverse_give_mirrored_ids(
    change: tuple[dict[str, Any], dict[str, Any]], where: str
) -> None:
    template = documents()[where]
    old, new = place(template, change[0]), place(template, change[1])
    forward, backward = _ids(old, new), _ids(new, old)
    assert forward, change
    assert sorted(mirror(rule_id) for rule_id in forward) == backward


# -- bad input ----------------------------------------------------------------------------

KEYWORDS = [
    *("type", "nullable", "enum", "const", "required", "properties", "items", "allOf"),
    *("anyOf", "oneOf", "not", "$ref", "minimum", "exclusiveMinimum", "maxLength", "pattern"),
    *("format", "default", "discriminator", "readOnly", "prefixItems", "additionalProperties"),
    *("name", "in", "schema", "content", "application/json", "headers", "responses", "200"),
    *("requestBody", "parameters", "security", "tags", "operationId", "deprecated"),
]
garbage = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(allow_nan=False, allow_infinity=False, width=16),
        st.sampled_from(
            ["string", "null", "object", "query", "path", "#/components/schemas/A", "x"]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(KEYWORDS), children, max_size=4),
    ),
    max_leaves=12,
)


def _garbage_document(schema: Any, operation: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": schema}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": schema}}},
                    "responses": {
                        "200": {"description": "x", "headers": {"H": {"schema": schema}}}
                    },
                },
            },
            "/b": {"get": operation},
        },
        "components": {"schemas": {"A": schema}},
    }


@SETTINGS
@given(garbage, garbage, garbage, garbage)
def test_bad_input_is_an_error_never_a_crash(a: Any, b: Any, c: Any, d: Any) -> None:
    """A document with nonsense where schemas and operations go: a DriftguardError at worst."""
    with contextlib.suppress(DriftguardError):
        diff_specs(_garbage_document(a, b), _garbage_document(c, d))
