"""Helpers shared by tests that hand driftguard small OpenAPI documents and read the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.cli import main

__all__ = ["doc", "run"]


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


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI's exit code, stdout and stderr for ``args``."""
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
