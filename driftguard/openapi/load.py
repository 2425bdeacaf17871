"""Bytes to a checked OpenAPI document: JSON or YAML, 3.0 or 3.1, with ``$ref`` bundled.

The stage has three parts: :mod:`~driftguard.openapi.parsing` (bytes to plain JSON data,
refusing absurd documents: alias bombs, deep nesting, endless integers),
:func:`check_openapi` here (is it OpenAPI 3.0 or 3.1?) and :mod:`~driftguard.openapi.bundle`
(external references inlined, so that the rest of driftguard only ever follows local
``#/...`` references). Where the bytes come from, and which files and URLs a reference may
reach, is :mod:`~driftguard.openapi.sources`'s business.
"""

from __future__ import annotations

from typing import Any

from driftguard._errors import LoadError
from driftguard.openapi.bundle import (
    BUNDLE_KEY,
    DATA_KEYS,
    NAME_MAPS,
    bundle_refs,
    holds_names,
    is_data,
)
from driftguard.openapi.parsing import MAX_DEPTH, MAX_NODES, parse_document

__all__ = [
    "BUNDLE_KEY",
    "DATA_KEYS",
    "MAX_DEPTH",
    "MAX_NODES",
    "NAME_MAPS",
    "bundle_refs",
    "check_openapi",
    "holds_names",
    "is_data",
    "parse_document",
]


def check_openapi(document: Any, *, where: str) -> dict[str, Any]:
    """Accept OpenAPI 3.0.x and 3.1.x only; anything else is a LoadError saying what it is.

    Returns the document, or a shallow copy of it where the version needed spelling out.
    """
    if not isinstance(document, dict):
        raise LoadError(f"{where}: not an OpenAPI document (top level is not an object)")
    if "swagger" in document:
        raise LoadError(
            f"{where}: Swagger {document.get('swagger')} is not supported; convert it to "
            "OpenAPI 3 first (for example with swagger2openapi)"
        )
    version = document.get("openapi")
    if type(version) is float and version in (3.0, 3.1):
        # YAML reads ``openapi: 3.1`` as a number; what the author meant is plain.
        version = f"{version:.1f}"
        document = {**document, "openapi": version}
    if version is None:
        raise LoadError(f"{where}: not an OpenAPI document (no 'openapi' field)")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise LoadError(f"{where}: OpenAPI {version} is not supported (3.0.x and 3.1.x are)")
    paths = document.get("paths", {})
    if paths is not None and not isinstance(paths, dict):
        raise LoadError(f"{where}: 'paths' must be an object")
    checked: dict[str, Any] = document
    return checked
