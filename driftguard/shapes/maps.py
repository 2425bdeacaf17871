"""Objects whose keys are data: when a JSON object is a map, and where a spec says so.

``{"EUR": 1.1, "GBP": 0.8}`` then ``{"USD": 1.0, "JPY": 150}`` is the same contract (a map
of numbers), not two removed fields and two added ones. A map's shape is the merged shape
of its values (:attr:`Shape.values`, stored as ``additionalProperties``), compared value
shape against value shape at ``$.rates.*``.

Two sources say an object is a map. The OpenAPI document, where it has one: a response
schema with ``additionalProperties`` (a schema) and no ``properties`` (:func:`map_paths`).
Else its keys, judged conservatively, because a false map would hide real renames: every
key an ISO 4217 currency code (with the values all of one shape), or every key a number,
a UUID or a date; or many keys (:data:`MANY_KEYS`) whose values all share one shape.
A few named fields stay an object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from driftguard.shapes._paths import ITEMS, WILDCARD, Path

if TYPE_CHECKING:
    from driftguard.shapes.infer import Shape

__all__ = [
    "MANY_KEYS",
    "Answered",
    "as_maps",
    "data_keys",
    "declared_maps",
    "looks_like_map",
    "map_paths",
]

MANY_KEYS = 20
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_DATA_KEY = re.compile(
    r"-?\d+\Z"  # numeric ids
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
    r"|\d{4}-\d\d(?:-\d\d(?:[Tt ][\d:.]+(?:[Zz]|[+-]\d\d:?\d\d)?)?)?\Z"  # dates, months
)


def data_keys(keys: Mapping[str, Any]) -> bool:
    """Whether every key is a number, a UUID, a date or a currency code (one key will do)."""
    if not keys:
        return False
    return all(map(_DATA_KEY.match, keys)) or all(map(_CURRENCY.match, keys))


def looks_like_map(fields: Mapping[str, Shape]) -> bool:
    """Whether an object with these fields (inferred from its samples) is a map."""
    if len(fields) < 2:
        return False  # one key proves nothing; a map seen with one key is compared as one
    if all(map(_DATA_KEY.match, fields)):
        return True
    if len(fields) < MANY_KEYS and not all(map(_CURRENCY.match, fields)):
        return False
    return len({shape.signature() for shape in fields.values()}) == 1


def map_paths(schema: Any, document: Mapping[str, Any]) -> frozenset[Path]:
    """The paths at which a response ``schema`` declares a map, ``$ref`` followed in
    ``document``: ``additionalProperties`` (a schema, not a boolean) without ``properties``."""
    found: set[Path] = set()
    _walk(schema, document, (), found, ())
    return frozenset(found)


def _walk(
    node: Any, document: Mapping[str, Any], path: Path, found: set[Path], refs: tuple[str, ...]
) -> None:
    from driftguard.openapi.refs import resolve

    ref = node.get("$ref") if isinstance(node, Mapping) else None
    if isinstance(ref, str):
        if ref in refs or len(refs) > 64:
            return  # a recursive schema: its maps were found on the way in
        refs = (*refs, ref)
    schema = resolve(document, node)
    if not isinstance(schema, Mapping):
        return
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or ():
            _walk(branch, document, path, found, refs)
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and properties:
        for name, child in properties.items():
            _walk(child, document, (*path, str(name)), found, refs)
    else:
        values = schema.get("additionalProperties")
        if isinstance(values, Mapping):
            found.add(path)
            _walk(values, document, (*path, WILDCARD), found, refs)
    if "items" in schema:
        _walk(schema["items"], document, (*path, ITEMS), found, refs)


def as_maps(shape: Shape, paths: frozenset[Path], path: Path = ()) -> Shape:
    """``shape`` with the objects at ``paths`` taken as maps (what the spec declares)."""
    from dataclasses import replace
    from types import MappingProxyType

    if not paths:
        return shape
    if path in paths and "object" in shape.types:
        shape = shape.as_map()
    changes: dict[str, Any] = {}
    if shape.items is not None:
        changes["items"] = as_maps(shape.items, paths, (*path, ITEMS))
    if shape.values is not None:
        changes["values"] = as_maps(shape.values, paths, (*path, WILDCARD))
    if shape.fields:
        changes["fields"] = MappingProxyType(
            {name: as_maps(child, paths, (*path, name)) for name, child in shape.fields.items()}
        )
    return replace(shape, **changes) if changes else shape


class Answered(Protocol):
    """A recorded answer, as :func:`declared_maps` reads it (a snapshot record is one)."""

    @property
    def request(self) -> Mapping[str, Any] | None: ...

    @property
    def status(self) -> int | None: ...

    @property
    def media_type(self) -> str | None: ...

    @property
    def shape(self) -> Shape | None: ...


def declared_maps(
    document: Mapping[str, Any], answers: Mapping[str, Answered]
) -> dict[str, frozenset[Path]]:
    """By answer name, the map paths its operation's response schema declares (none are left
    out; an answer whose operation, status or media type the document lacks has none)."""
    from driftguard._errors import DriftguardError
    from driftguard.openapi.document import Spec

    wanted = {n: a for n, a in answers.items() if a.shape is not None and a.request}
    if not wanted:
        return {}
    try:
        spec = Spec(dict(document), where="snapshot")
    except DriftguardError:
        return {}  # a document that cannot be indexed declares nothing here
    found: dict[str, frozenset[Path]] = {}
    for name, answer in wanted.items():
        request = answer.request or {}
        operation = spec.find(str(request.get("method", "GET")), str(request.get("path", "")))
        if operation is None or answer.status is None:
            continue
        schema = _response_schema(document, operation.node, answer.status, answer.media_type)
        paths = map_paths(schema, document) if schema is not None else frozenset()
        if paths:
            found[name] = paths
    return found


def _response_schema(
    document: Mapping[str, Any], node: Mapping[str, Any], status: int, media_type: str | None
) -> Any:
    from driftguard.openapi.refs import resolve

    responses = resolve(document, node.get("responses"))
    if not isinstance(responses, Mapping):
        return None
    code = str(status)
    response = next(
        (responses[k] for k in (code, f"{code[0]}XX", f"{code[0]}xx", "default") if k in responses),
        None,
    )
    response = resolve(document, response)
    content = response.get("content") if isinstance(response, Mapping) else None
    if not isinstance(content, Mapping) or not content:
        return None
    media = content.get(media_type) if media_type in content else next(iter(content.values()))
    media = resolve(document, media)
    return media.get("schema") if isinstance(media, Mapping) else None
