"""Local references, followed one way by the diff, the probes and the fuzzer."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard import RefError
from driftguard.openapi.document import Spec
from driftguard.openapi.refs import escape, follow, lookup, resolve, unescape

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "a/b": {"type": "string"},
            "Tilde~": {"type": "integer"},
            "Alias": {"$ref": "#/components/schemas/a~1b"},
            "Loop": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop"},
        }
    },
    "list": [{"x": 1}],
}


def test_tokens_escape_and_unescape_as_rfc_6901_says() -> None:
    assert escape("a/b~c") == "a~1b~0c"
    assert unescape("a~1b~0c") == "a/b~c"
    assert unescape("with%20space") == "with space"


def test_lookup_walks_objects_and_lists() -> None:
    assert lookup(DOCUMENT, "#/components/schemas/a~1b") == {"type": "string"}
    assert lookup(DOCUMENT, "#/components/schemas/Tilde~0") == {"type": "integer"}
    assert lookup(DOCUMENT, "#/list/0/x") == 1
    assert lookup(DOCUMENT, "#") is DOCUMENT
    with pytest.raises(RefError, match=r"doc: broken reference '#/nope' \(no 'nope' there\)"):
        lookup(DOCUMENT, "#/nope", where="doc")
    with pytest.raises(RefError, match="unresolved external reference"):
        lookup(DOCUMENT, "other.yaml#/x")


def test_follow_goes_down_a_long_chain_and_stops_only_at_a_cycle() -> None:
    chain = {f"S{i}": {"$ref": f"#/S{i + 1}"} for i in range(200)}
    chain["S200"] = {"type": "boolean"}
    assert follow(chain["S0"], lambda ref: lookup(chain, ref)) == {"type": "boolean"}
    loop = DOCUMENT["components"]["schemas"]["Loop"]
    with pytest.raises(RefError, match="circular reference chain"):
        follow(loop, lambda ref: lookup(DOCUMENT, ref))


def test_resolve_reads_a_reference_that_leads_nowhere_as_empty() -> None:
    assert resolve(DOCUMENT, {"$ref": "#/components/schemas/Alias"}) == {"type": "string"}
    assert resolve(DOCUMENT, {"$ref": "#/missing"}) == {}
    assert resolve(DOCUMENT, {"$ref": "#/components/schemas/Loop"}) == {}
    assert resolve(DOCUMENT, {"type": "null"}) == {"type": "null"}


def test_a_document_with_a_chain_of_100_references_is_not_circular() -> None:
    schemas: dict[str, Any] = {
        f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(100)
    }
    schemas["S100"] = {"type": "object", "properties": {"id": {"type": "integer"}}}
    document = {
        "openapi": "3.1.0",
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {"$ref": "#/components/responses/R"},
                    }
                }
            }
        },
        "components": {
            "schemas": schemas,
            "responses": {
                "R": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}
                }
            },
        },
    }
    spec = Spec(document)
    effective, ref = spec.effective(spec.canonical({"$ref": "#/components/schemas/S0"}))
    assert ref == "#/components/schemas/S0"
    assert effective["type"] == ["object"]
