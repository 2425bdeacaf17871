"""Helpers shared by tests that hand driftguard small OpenAPI documents and read the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.cli import main

__all__ = ["doc", "run", "shop"]


def doc(schema: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    """A one-operation document (``GET /items``) whose 200 response has ``schema``."""
    return {
        "openapi": version,
        "info": {"title": "shop", "version": "1"},
        "paths": {
            "/items": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "the items",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }


def shop(
    *,
    version: str = "1",
    get: dict[str, Any] | None = None,
    q: dict[str, Any] | None = None,
    sent: dict[str, Any] | None = None,
    returned: dict[str, Any] | None = None,
    legacy: dict[str, Any] | None = None,
    required: bool = False,
    drop: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A small shop whose parts take extra keys (``deprecated``, ``x-sunset``, ...):

    ``get`` the operation ``GET /items/{item_id}``, ``q`` its query parameter, ``returned``
    the ``value`` property of its response (``required`` in it or not), ``sent`` the
    ``value`` property of ``PUT /items/{item_id}``'s body, ``legacy`` ``GET /legacy``, alone
    on its path. ``drop`` names the parts left out: any of ``get``, ``q``, ``sent``,
    ``returned``, ``legacy``.
    """
    item_id = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    parameters = [item_id]
    if "q" not in drop:
        parameters.append({"name": "q", "in": "query", "schema": {"type": "string"}, **(q or {})})
    item: dict[str, Any] = {"type": "object", "required": ["id"], "properties": {"id": {}}}
    item["properties"]["id"] = {"type": "integer"}
    if "returned" not in drop:
        item["properties"]["value"] = {"type": "string", **(returned or {})}
        if required:
            item["required"].append("value")
    body: dict[str, Any] = {"type": "object", "properties": {}}
    if "sent" not in drop:
        body["properties"]["value"] = {"type": "string", **(sent or {})}
    ok = {"description": "the item", "content": {"application/json": {"schema": item}}}
    path: dict[str, Any] = {
        "put": {
            "parameters": [item_id],
            "requestBody": {"content": {"application/json": {"schema": body}}},
            "responses": {"204": {"description": "stored"}},
        }
    }
    if "get" not in drop:
        path["get"] = {**(get or {}), "parameters": parameters, "responses": {"200": ok}}
    paths: dict[str, Any] = {"/items/{item_id}": path}
    if "legacy" not in drop:
        paths["/legacy"] = {"get": {**(legacy or {}), "responses": {"200": {"description": "ok"}}}}
    return {"openapi": "3.1.0", "info": {"title": "shop", "version": version}, "paths": paths}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI's exit code, stdout and stderr for ``args``."""
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
