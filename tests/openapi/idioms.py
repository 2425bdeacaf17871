"""Rewrites of a real document that change how it is written, never what it accepts or returns.

Each is an idiom seen in real API histories (issue "diff at the level of the best checker"):
an object split into ``allOf [$ref Base, the rest]``, ``{$ref: X, nullable: true}`` spelt
``allOf [{$ref: X}, {nullable: true}]``, header parameters the specification says to ignore,
a base path moved from ``servers`` into ``paths``, an inline enum moved into a component, a
3.0 document's ``nullable`` spelt as a 3.1 type list. Diffing a document with any of its
rewrites must give no finding at all: tests/openapi/test_idioms.py does so on the real
specifications, benchmarks/bench_histories.py on a directory of hundreds of APIs.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["IDIOMS"]

Document = dict[str, Any]
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _schemas(document: Document) -> dict[str, Any]:
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    return schemas


def _operations(document: Document) -> Iterator[dict[str, Any]]:
    for item in (document.get("paths") or {}).values():
        if isinstance(item, dict):
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    yield item[method]


_DEEP_REF = re.compile(r'"#/components/schemas/((?:[^"/\\]|\\.)+)/')


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def split_into_all_of(document: Document) -> Document:
    """Every component object of two or more plain properties becomes
    ``allOf: [{$ref: <name>Base}, {the other properties}]``, its first property in the base."""
    out = copy.deepcopy(document)
    schemas = _schemas(out)
    # A schema some reference points inside (``.../Item/properties/id``) keeps its layout:
    # splitting it would break that reference, which is not a rewrite of the same document.
    pointed_into = {
        unescape(m.group(1)) for m in _DEEP_REF.finditer(json.dumps(document, default=str))
    }
    for name, schema in list(schemas.items()):
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if (
            name in pointed_into
            or not isinstance(properties, dict)
            or len(properties) < 2
            or schema.get("type", "object") != "object"
            or any(k in schema for k in ("allOf", "anyOf", "oneOf", "$ref", "discriminator"))
        ):
            continue
        first = next(iter(properties))
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        base: dict[str, Any] = {"type": "object", "properties": {first: properties[first]}}
        if first in required:
            base["required"] = [first]
        rest: dict[str, Any] = {
            "type": "object",
            "properties": {k: v for k, v in properties.items() if k != first},
        }
        if [r for r in required if r != first]:
            rest["required"] = [r for r in required if r != first]
        outer = {k: v for k, v in schema.items() if k not in ("properties", "required", "type")}
        base_name = f"{name}Base"
        while base_name in schemas:
            base_name += "_"
        schemas[base_name] = base
        schemas[name] = {**outer, "allOf": [{"$ref": f"#/components/schemas/{base_name}"}, rest]}
    return out


def nullable_as_all_of(document: Document) -> Document:
    """``{$ref: X, nullable: true}`` (and a one-branch ``allOf``/``anyOf``/``oneOf`` of
    ``{$ref: X}`` beside ``nullable: true``, as Stripe writes it) as
    ``allOf: [{$ref: X}, {nullable: true}]``, as OpenAI's 3.0 specification writes it."""
    out = copy.deepcopy(document)

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {k: rewrite(v) for k, v in node.items()}
        if node.get("nullable") is True:
            ref, kind = node.get("$ref"), "$ref"
            for key in ("allOf", "anyOf", "oneOf"):
                branches = node.get(key)
                if ref is None and isinstance(branches, list) and len(branches) == 1:
                    ref, kind = (branches[0] or {}).get("$ref"), key
            if isinstance(ref, str):
                rest = {k: v for k, v in node.items() if k not in (kind, "nullable")}
                return {**rest, "allOf": [{"$ref": ref}, {"nullable": True}]}
        return node

    result: Document = rewrite(out)
    return result


def ignored_header_parameters(document: Document) -> Document:
    """Every operation declares the header parameters OpenAPI says SHALL be ignored."""
    out = copy.deepcopy(document)
    for operation in _operations(out):
        parameters = operation.setdefault("parameters", [])
        for name in ("Content-Type", "Accept", "Authorization"):
            parameters.append(
                {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            )
    return out


def base_path_moved(document: Document) -> Document:
    """``servers: [https://host/v1]`` + ``/items`` as ``servers: [https://host]`` +
    ``/v1/items``; where the servers hold no base path but every path starts with one
    segment, that segment moves into the server URL instead. Path items with servers of
    their own keep their URLs (and their paths)."""
    out = copy.deepcopy(document)
    paths = out.get("paths") or {}
    movable = {p for p, item in paths.items() if not _own_servers(item)}
    servers = out.get("servers")
    server = servers[0] if isinstance(servers, list) and servers else {}
    url = server.get("url", "") if isinstance(server, dict) else ""
    if not isinstance(url, str) or "{" in url or (url and "://" not in url):
        return out  # variables, or a relative URL: the URL is not plain enough to move
    parts = urlsplit(url)
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    base = parts.path.rstrip("/")
    if base:
        rest = servers[1:] if isinstance(servers, list) else []
        out["servers"] = [{**server, "url": origin}, *rest]
        out["paths"] = {f"{base}{p}" if p in movable else p: i for p, i in paths.items()}
        return out
    firsts = {path.split("/")[1] for path in movable if path.count("/") >= 2}
    if len(firsts) == 1 and all(path.count("/") >= 2 for path in movable):
        (first,) = firsts
        if "{" not in first and first:
            out["servers"] = [{**(server or {}), "url": f"{origin}/{first}"}]
            out["paths"] = {
                path.removeprefix(f"/{first}") if path in movable else path: item
                for path, item in paths.items()
            }
    return out


def _own_servers(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    return "servers" in item or any(
        isinstance(item.get(m), dict) and "servers" in item[m] for m in _METHODS
    )


def enums_into_components(document: Document) -> Document:
    """Every inline string enum of a component's property moves into a component of its own
    and is referenced from there."""
    out = copy.deepcopy(document)
    schemas = _schemas(out)
    for name, schema in list(schemas.items()):
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(properties, dict):
            continue
        for prop, value in list(properties.items()):
            if (
                isinstance(value, dict)
                and isinstance(value.get("enum"), list)
                and value.get("type") == "string"
                and set(value) <= {"type", "enum", "description", "title"}
            ):
                enum_name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{name}_{prop}_enum")
                if enum_name in schemas:
                    continue
                schemas[enum_name] = dict(value)
                properties[prop] = {"$ref": f"#/components/schemas/{enum_name}"}
    return out


def nullable_as_type_list(document: Document) -> Document:
    """A 3.0 document as 3.1 writes it: ``type: X, nullable: true`` as ``type: [X, "null"]``."""
    if not str(document.get("openapi", "")).startswith("3.0"):
        return copy.deepcopy(document)
    out = copy.deepcopy(document)

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {k: rewrite(v) for k, v in node.items()}
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            del node["nullable"]
        return node

    result: Document = rewrite(out)
    result["openapi"] = "3.1.0"
    return result


IDIOMS: dict[str, Callable[[Document], Document]] = {
    "allOf [$ref Base, the rest]": split_into_all_of,
    "{$ref, nullable} as allOf": nullable_as_all_of,
    "ignored header parameters": ignored_header_parameters,
    "base path moved": base_path_moved,
    "inline enums into components": enums_into_components,
    "nullable as a 3.1 type list": nullable_as_type_list,
}
