"""The targeted scenarios: what they read off a created resource."""

from __future__ import annotations

from driftguard.fuzzing.scenarios import resource_id


def test_resource_id_prefers_the_named_field() -> None:
    assert resource_id({"note_id": 4, "id": 9}, "note_id") == "4"
    assert resource_id({"id": "abc"}) == "abc"
    assert resource_id({"order_id": 3, "name": "x"}) == "3"
    assert resource_id({"a_id": 1, "b_id": 2}) is None
    assert resource_id([1, 2]) is None
