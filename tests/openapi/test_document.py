"""A document as the diff sees it: operations indexed once, and found by a concrete request."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftguard.openapi.document import Spec, _references
from driftguard.openapi.load import DATA_KEYS, NAME_MAPS, holds_names, is_data


def test_a_request_finds_its_operation_preferring_literal_paths() -> None:
    spec = Spec(
        {
            "openapi": "3.1.0",
            "paths": {
                "/users/{id}": {"get": {}, "delete": {}},
                "/users/me": {"get": {}},
                "/x": {"post": {}},
            },
        }
    )

    def label(method: str, path: str) -> str | None:
        found = spec.find(method, path)
        return None if found is None else found.label

    assert label("GET", "/users/me") == "GET /users/me"
    assert label("get", "/users/42?x=1") == "GET /users/{id}"
    assert label("DELETE", "/users/me") == "DELETE /users/{id}"
    assert label("GET", "/users/42/") == "GET /users/{id}"
    assert label("GET", "/x") is None
    assert label("GET", "/users/1/extra") is None
    assert label("GET", "/users/") is None  # a parameter is never an empty segment


# Keys that decide whether a "$ref" below them is a reference: data keywords, name maps,
# extensions, "examples" (a map of examples, or a schema's list of example values).
_KEYS = st.sampled_from(["$ref", "a", "x-extra", "examples", *DATA_KEYS, *NAME_MAPS])
_REF = st.fixed_dictionaries({"$ref": st.sampled_from(["#/a", "#/b"])})
_JSON = st.recursive(
    st.none() | st.just("#/c") | _REF,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(_KEYS, children, max_size=4)
        | st.tuples(_REF, st.dictionaries(_KEYS, children, max_size=3)).map(
            lambda pair: {**pair[1], **pair[0]}
        )
    ),
    max_leaves=30,
)


def _references_by_the_rules(document: Any) -> set[str]:
    """The references of ``document`` as is_data and holds_names define them, recursively."""
    found: set[str] = set()

    def visit(node: Any, in_names: bool) -> None:
        if isinstance(node, dict):
            if not in_names and isinstance(node.get("$ref"), str):
                found.add(node["$ref"])
            for key, value in node.items():
                if not is_data(key, value, in_names):
                    visit(value, holds_names(key, in_names))
        elif isinstance(node, list):
            for value in node:
                visit(value, False)

    visit(document, False)
    return found


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_the_references_checked_are_those_the_rules_name(document: dict[str, Any]) -> None:
    assert _references(document, "t") == _references_by_the_rules(document)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_the_reference_pass_refuses_exactly_what_the_depth_check_refuses(
    document: dict[str, Any],
) -> None:
    """Spec's one pass is also the depth check that diff's loading leaves to it: the same
    levels counted, data (examples, extensions) included."""
    from driftguard._errors import LoadError
    from driftguard.openapi import document as module
    from driftguard.openapi.parsing import check_depth

    for limit in (1, 2, 3, 4, 6):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(module, "MAX_DEPTH", limit)
            patch.setattr("driftguard.openapi.parsing.MAX_DEPTH", limit)
            try:
                check_depth(document, "t")
                expected = None
            except LoadError as exc:
                expected = str(exc)
            try:
                _references(document, "t")
                got = None
            except LoadError as exc:
                got = str(exc)
        assert got == expected, limit
