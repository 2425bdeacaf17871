"""Bytes to a checked OpenAPI document: JSON or YAML, 3.0 or 3.1, with ``$ref`` bundled.

YAML is read with a safe loader that keeps YAML 1.2 scalars (``on``/``no`` and dates stay
strings, as JSON Schema means them) and refuses alias bombs: the document is rebuilt as
plain JSON data, and if that would hold more than :data:`MAX_NODES` values the load stops.

References to other files (``common.yaml#/components/schemas/Money``) are bundled into the
document under :data:`BUNDLE_KEY`, and rewritten to local references into it, so that the
rest of driftguard only ever follows local ``#/...`` references. Remote ``http(s)``
references are fetched only when the caller allows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from driftguard._errors import LoadError, RefError
from driftguard.openapi.refs import escape

__all__ = [
    "BUNDLE_KEY",
    "DATA_KEYS",
    "MAX_NODES",
    "NAME_MAPS",
    "bundle_refs",
    "check_openapi",
    "holds_names",
    "is_data",
    "parse_document",
]

MAX_NODES = 5_000_000
BUNDLE_KEY = "x-driftguard-bundled"
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


@cache
def _spec_loader() -> Any:
    """The safe loader with YAML 1.2 core-schema scalars: no timestamps, no yes/no/on/off.

    Built on first use, so that reading JSON never pays for importing PyYAML.
    """
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader: Any = type("_SpecLoader", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [
            (tag, _BOOL_RE if tag == "tag:yaml.org,2002:bool" else regexp)
            for tag, regexp in resolvers
            if tag != "tag:yaml.org,2002:timestamp"
        ]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return loader


def parse_document(text: str | bytes, *, where: str, yaml_allowed: bool = True) -> Any:
    """Parse JSON (or YAML when allowed) into plain JSON data, refusing absurd documents."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")) or not yaml_allowed:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if not yaml_allowed:
                raise LoadError(
                    f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
                ) from None
            # JSON-looking YAML ({a: 1}) is still YAML; fall through.
    import yaml

    try:
        data = yaml.load(text, Loader=_spec_loader())  # a safe loader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(f"{where}: invalid YAML{at}: {problem}") from None
    except RecursionError:
        raise LoadError(f"{where}: YAML nested too deeply") from None
    return _plain_json(data, where)


def _plain_json(data: Any, where: str) -> Any:
    """Rebuild YAML data as JSON data (string keys), keeping shared aliases shared.

    Counting values as if aliases were expanded is what stops a billion-laughs document:
    the count is computed per shared node once (memoised), so the check itself is cheap.
    """
    memo: dict[int, tuple[Any, int]] = {}
    active: set[int] = set()

    def convert(node: Any) -> tuple[Any, int]:
        if not isinstance(node, dict | list):
            if isinstance(node, bytes | set) or not isinstance(
                node, str | int | float | bool | type(None)
            ):
                return str(node), 1
            return node, 1
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise LoadError(f"{where}: recursive YAML alias (a node contains itself)")
        active.add(key)
        total = 1
        result: Any
        if isinstance(node, dict):
            result = {}
            for k, v in node.items():
                value, size = convert(v)
                result[k if isinstance(k, str) else _key_text(k)] = value
                total += size
        else:
            result = []
            for item in node:
                value, size = convert(item)
                result.append(value)
                total += size
        if total > MAX_NODES:
            raise LoadError(
                f"{where}: document expands to more than {MAX_NODES:,} values through YAML "
                "aliases; refusing it (an alias bomb?)"
            )
        active.discard(key)
        memo[key] = (result, total)
        return result, total

    return convert(data)[0]


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def check_openapi(document: Any, *, where: str) -> dict[str, Any]:
    """Accept OpenAPI 3.0.x and 3.1.x only; anything else is a LoadError saying what it is."""
    if not isinstance(document, dict):
        raise LoadError(f"{where}: not an OpenAPI document (top level is not an object)")
    if "swagger" in document:
        raise LoadError(
            f"{where}: Swagger {document.get('swagger')} is not supported; convert it to "
            "OpenAPI 3 first (for example with swagger2openapi)"
        )
    version = document.get("openapi")
    if version is None:
        raise LoadError(f"{where}: not an OpenAPI document (no 'openapi' field)")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise LoadError(f"{where}: OpenAPI {version} is not supported (3.0.x and 3.1.x are)")
    paths = document.get("paths", {})
    if paths is not None and not isinstance(paths, dict):
        raise LoadError(f"{where}: 'paths' must be an object")
    return document


# Where "$ref" is a reference and where it is data. Under these keys a value is data (an
# example, a default, an enum member): a "$ref" key inside it is part of the data. Under
# the keys of NAME_MAPS a value maps names to objects, so its own keys are names, never
# keywords: a property may well be called "default", and its schema may be a reference.
DATA_KEYS = frozenset({"example", "default", "enum", "const", "value"})
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "paths",
        "webhooks",
        "callbacks",
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "pathItems",
        "content",
        "encoding",
        "variables",
    }
)


def is_data(key: str, value: Any, in_names: bool) -> bool:
    """Whether ``value``, found under ``key``, is data in which no ``$ref`` is a reference."""
    if in_names:
        return False
    return (
        key in DATA_KEYS
        or key.startswith("x-")
        or (key == "examples" and type(value) is list)  # a schema's examples, not a map
    )


def holds_names(key: str, in_names: bool) -> bool:
    """Whether the object under ``key`` maps names (its keys are not keywords)."""
    return not in_names and key in NAME_MAPS


Fetch = Callable[[str], Any]


def bundle_refs(
    document: dict[str, Any],
    *,
    base: str,
    fetch_file: Fetch,
    fetch_remote: Fetch | None,
    text: str | bytes,
) -> dict[str, Any]:
    """Inline every external ``$ref`` target under :data:`BUNDLE_KEY` and point refs at it.

    ``base`` is the document's own location (a path or URL); ``fetch_file`` reads a parsed
    document from a path; ``fetch_remote`` from a URL, or is None when remote refs are refused.
    Local-only documents are returned unchanged (no copy), which keeps the common case fast:
    a regular expression over the source ``text`` decides that without walking the tree.
    """
    raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if not _EXTERNAL_REF_TEXT.search(raw):
        return document

    bundled: dict[str, Any] = {}
    keys: dict[str, str] = {}  # absolute location -> key under BUNDLE_KEY

    def key_for(location: str) -> str:
        if location not in keys:
            name = location.rsplit("/", 1)[-1] or "document"
            candidate, n = name, 1
            while candidate in bundled:
                n += 1
                candidate = f"{name}.{n}"
            keys[location] = candidate
            bundled[candidate] = None  # reserve the name before recursing
            bundled[candidate] = rewrite(load(location), location, candidate)
        return keys[location]

    def load(location: str) -> Any:
        if location.startswith(("http://", "https://")):
            if fetch_remote is None:
                raise RefError(
                    f"{base}: remote reference to {location} refused "
                    "(pass --allow-remote-refs to follow it)"
                )
            return fetch_remote(location)
        return fetch_file(location)

    def rewrite(node: Any, location: str, prefix: str | None, in_names: bool = False) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str) and not in_names:
                    out[k] = resolve(v, location, prefix)
                elif is_data(k, v, in_names):
                    out[k] = v
                else:
                    out[k] = rewrite(v, location, prefix, holds_names(k, in_names))
            return out
        if isinstance(node, list):
            return [rewrite(item, location, prefix) for item in node]
        return node

    def resolve(ref: str, location: str, prefix: str | None) -> str:
        target, _, fragment = ref.partition("#")
        if not target:
            if prefix is None:
                return ref
            return f"#/{BUNDLE_KEY}/{escape(prefix)}{fragment}"
        absolute = _join(location, unquote(target))
        if absolute == base:
            return f"#{fragment}"
        return f"#/{BUNDLE_KEY}/{escape(key_for(absolute))}{fragment}"

    result: dict[str, Any] = rewrite(document, base, None)
    if not bundled:
        return document  # every "$ref" the text showed was data, not a reference
    result[BUNDLE_KEY] = bundled
    return result


def _join(location: str, target: str) -> str:
    if target.startswith(("http://", "https://")):
        return target
    if location.startswith(("http://", "https://")):
        return urljoin(location, target)
    if urlsplit(target).scheme == "file":
        return str(Path(urlsplit(target).path).resolve())
    return str((Path(location).parent / target).resolve())


# ``$ref`` followed by a value that does not start with '#', in JSON or YAML spelling.
# (Starting the pattern with the literal ``$ref`` lets the regex engine skip ahead to each
# occurrence: 4 ms on Stripe's 4 MB instead of 65 ms with an optional leading quote.)
_EXTERNAL_REF_TEXT = re.compile(r"""\$ref["']?\s*:\s*["']?(?!#)[^\s"']""")
