"""Probes: where they come from, their order, and what a snapshot stores of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftguard import ConfigError
from driftguard._config import Config
from driftguard._redact import REDACTED
from driftguard.snapshots.probes import (
    Probe,
    auto_probes,
    collect_probes,
    load_probes_file,
    order_probes,
)
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import Snapshot
from tests.snapshots.apps import v1_app


def config(**data: Any) -> Config:
    return Config.model_validate(data)


def test_auto_probes_fill_parameters_from_examples_and_defaults() -> None:
    spec = v1_app.openapi()
    probes, skipped = auto_probes(spec)
    by_name = {p.name: p for p in probes}
    assert set(by_name) == {"get-orders", "get-orders-order_id", "get-health", "get-missing"}
    assert by_name["get-orders-order_id"].path == "/orders/6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11"
    assert by_name["get-orders"].params == {}  # an optional parameter with only a default
    assert skipped == []


def test_auto_probes_skip_what_cannot_be_filled() -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "components": {
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "integer", "default": 5},
                }
            },
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        },
        "paths": {
            "/a/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True}]}},
            "/b": {"get": {"parameters": [{"$ref": "#/components/parameters/Limit"}]}},
            "/c": {"get": {"security": [{"key": []}]}},
            "/d": {"get": {"security": [{}]}},
            "/e/{id}": {
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "examples": {"one": {"value": 7}},
                    }
                ],
                "get": {},
            },
            "/f": {"post": {}},
        },
    }
    probes, skipped = auto_probes(spec)
    assert {(p.name, p.path) for p in probes} == {
        ("get-b", "/b"),
        ("get-d", "/d"),
        ("get-e-id", "/e/7"),
    }
    assert next(p for p in probes if p.name == "get-b").params == {"limit": 5}
    assert skipped == [
        "GET /a/{id}: path parameter 'id' has no example or default",
        "GET /c: needs credentials",
    ]
    with_key, _ = auto_probes(spec, with_credentials=True)
    assert "get-c" in {p.name for p in with_key}


def test_probes_file_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "probes.toml"
    toml.write_text(
        '[[probes]]\nname = "create"\nmethod = "post"\npath = "/accounts"\njson = {name = "a"}\n'
        '[[probes]]\nname = "read"\npath = "/accounts/1"\nsetup = ["create"]\n'
    )
    probes = load_probes_file(toml)
    assert [(p.name, p.method, p.origin) for p in probes] == [
        ("create", "POST", "file"),
        ("read", "GET", "file"),
    ]
    assert probes[0].json == {"name": "a"}
    plain = tmp_path / "probes.json"
    plain.write_text(json.dumps([{"name": "x", "path": "/x"}]))
    assert [p.name for p in load_probes_file(plain)] == ["x"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[[probes]]\nname = "bad name!"\npath = "/x"\n',
            r"probes\[0\]\.name: must be a file-name-safe",
        ),
        (
            '[[probes]]\nname = "a"\npath = "x"\n',
            r"probes\[0\]\.path: must be a path on the target, starting with one '/'",
        ),
        ('[[probes]]\nname = "a"\npath = "/x"\ncolour = 1\n', r"probes\[0\]\.colour"),
        ("probes = 3\n", "expected a 'probes' list"),
        ("[[probes]\n", "invalid TOML"),
        (
            '[[probes]]\nname = "a"\npath = "/x"\n[[probes]]\nname = "a"\npath = "/y"\n',
            "used twice",
        ),
    ],
)
def test_bad_probes_files_name_file_and_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "probes.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_probes_file(path)
    assert str(path) in str(caught.value)


def test_setup_order_and_errors() -> None:
    a = Probe("a", setup=("b",))
    b = Probe("b", setup=("c",))
    c = Probe("c")
    assert [p.name for p in order_probes([a, b, c])] == ["c", "b", "a"]
    with pytest.raises(ConfigError, match="setup probe 'zz' is not defined"):
        order_probes([Probe("a", setup=("zz",))])
    with pytest.raises(ConfigError, match="cycle: a -> b -> a"):
        order_probes([Probe("a", setup=("b",)), Probe("b", setup=("a",))])


def test_collect_probes_precedence(tmp_path: Path) -> None:
    file = tmp_path / "p.json"
    file.write_text(json.dumps({"probes": [{"name": "get-health", "path": "/health?from=file"}]}))
    snapshot = Snapshot(
        tmp_path,
        None,
        {
            "kept": ResponseRecord(
                200,
                None,
                None,
                {"method": "GET", "path": "/kept", "headers": {"Authorization": REDACTED}},
            ),
            "get-orders": ResponseRecord(200, None, None, {"method": "GET", "path": "/snap"}),
        },
    )
    cfg = config(probes=[{"name": "get-orders", "path": "/orders?from=config"}])
    probes, notes = collect_probes(cfg, probes_file=file, spec=v1_app.openapi(), snapshot=snapshot)
    by_name = {p.name: p for p in probes}
    assert by_name["get-health"].path == "/health?from=file"
    assert by_name["get-orders"].path == "/orders?from=config"
    assert by_name["kept"].origin == "snapshot"
    assert by_name["kept"].headers == {}
    assert by_name["get-orders-order_id"].origin == "auto"
    assert any("header Authorization is redacted" in n for n in notes)


def test_a_probe_has_one_body_at_most() -> None:
    with pytest.raises(ValueError, match="either a json or a form"):
        config(probes=[{"name": "p", "path": "/a", "json": {"a": 1}, "data": {"b": "c"}}])
