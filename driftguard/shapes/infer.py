"""JSON to :class:`Shape`: what a response looks like, without the values that change per call.

A shape keeps what a client depends on (JSON types, which keys are always there, which may
be null, how strings are spelled) and drops what it does not (ids, timestamps, tokens). One
sample value per leaf is kept as evidence for rename detection, never for comparison.

Inference is column-wise: the items of an array are not inferred one by one and merged, but
grouped by key and inferred per key over the whole column, so that the per-value work is a
few C-level passes (``map(type, ...)``, ``itemgetter``, one regex per string). A response of
10,000 objects is inferred in tens of milliseconds this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from driftguard._errors import UsageError
from driftguard._types import Json
from driftguard.shapes._formats import describe, detect, merged_style
from driftguard.shapes._paths import ITEMS, WILDCARD, Path, PathMatcher, render_path
from driftguard.shapes.maps import looks_like_map

__all__ = ["TYPE_ORDER", "Shape", "infer_shape"]

TYPE_ORDER = ("null", "boolean", "integer", "number", "string", "array", "object")
_RANK = {name: i for i, name in enumerate(TYPE_ORDER)}
_EMPTY: Mapping[str, Shape] = MappingProxyType({})
EXAMPLE_LIMIT = 120


@dataclass(frozen=True, slots=True)
class Shape:
    """The shape of a JSON value, merged over every sample seen.

    ``types`` holds the JSON types seen (``integer`` apart from ``number``; ``null`` when the
    value was null). For strings, ``format`` and ``style`` say what kind of string and how it
    is spelled; for arrays, ``items`` is the merged shape of every item (None when only empty
    arrays were seen); for objects, ``fields`` maps each key to its shape and ``optional``
    names the keys some samples lacked: a missing key and a null value are different things.

    An object whose keys are data (currency codes, ids, dates) is a *map*: ``values`` is the
    merged shape of its values (JSON Schema's ``additionalProperties``) and ``fields`` is
    empty, so that ``{EUR, GBP}`` then ``{USD, JPY}`` is the same shape. Its values' path is
    ``$.rates.*``.
    """

    types: frozenset[str]
    format: str | None = None
    style: str | None = None
    items: Shape | None = None
    fields: Mapping[str, Shape] = field(default_factory=lambda: _EMPTY)
    optional: frozenset[str] = frozenset()
    example: Any = field(default=None, compare=False)
    values: Shape | None = None

    def __hash__(self) -> int:
        return hash(self.signature(styles=True))

    @property
    def nullable(self) -> bool:
        return "null" in self.types

    @property
    def non_null(self) -> frozenset[str]:
        return self.types - {"null"}

    @property
    def is_map(self) -> bool:
        return self.values is not None

    def signature(self, *, styles: bool = False) -> tuple[Any, ...]:
        """A hashable summary of the structure; equal signatures mean interchangeable shapes."""
        return (
            tuple(sorted(self.types, key=_RANK.__getitem__)),
            self.format,
            self.style if styles else None,
            None if self.items is None else self.items.signature(styles=styles),
            tuple(
                (name, name in self.optional, shape.signature(styles=styles))
                for name, shape in sorted(self.fields.items())
            ),
            None if self.values is None else self.values.signature(styles=styles),
        )

    def describe(self) -> str:
        """The type as a message shows it: ``string (date-time, Z)``, ``null | integer``."""
        names = sorted(self.types, key=_RANK.__getitem__)
        parts = [describe(n, self.format, self.style) if n == "string" else n for n in names]
        if self.values is not None:
            parts = [f"map of {self.values.describe()}" if n == "object" else n for n in parts]
        return " | ".join(parts) or "nothing"

    def merge(self, other: Shape) -> Shape:
        """The shape of a value that is sometimes like ``self`` and sometimes like ``other``."""
        types = self.types | other.types
        if "integer" in types and "number" in types:
            types = types - {"integer"}
        fmt = style = None
        if "string" in self.types and "string" in other.types:
            if self.format == other.format:
                fmt = self.format
                style = merged_style(fmt, self.style, other.style)
        elif "string" in self.types:
            fmt, style = self.format, self.style
        elif "string" in other.types:
            fmt, style = other.format, other.style
        if self.items is None:
            items = other.items
        elif other.items is None:
            items = self.items
        else:
            items = self.items.merge(other.items)
        example = self.example if self.example is not None else other.example
        if self.is_map or other.is_map:
            values = _merge_all([s for s in (self.map_values(), other.map_values()) if s])
            return Shape(frozenset(types), fmt, style, items, example=example, values=values)
        fields, optional = _merge_fields(self, other)
        return Shape(frozenset(types), fmt, style, items, fields, optional, example)

    def map_values(self) -> Shape | None:
        """The shape of every value of this object, taken as a map (None: no value seen)."""
        if self.values is not None:
            return self.values
        return _merge_all(list(self.fields.values())) if self.fields else None

    def as_map(self) -> Shape:
        """This object as a map of its values' merged shape (a map stays as it is)."""
        if self.is_map or "object" not in self.types:
            return self
        values = self.map_values()
        if values is None:
            return self  # {}: nothing says what its values would be
        return Shape(
            self.types, self.format, self.style, self.items, example=self.example, values=values
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON in a stable order, as stored in snapshot files."""
        names = sorted(self.types, key=_RANK.__getitem__)
        data: dict[str, Any] = {"type": names[0] if len(names) == 1 else names}
        if self.format is not None:
            data["format"] = self.format
        if self.style is not None:
            data["style"] = self.style
        if self.items is not None:
            data["items"] = self.items.to_dict()
        if self.values is not None:
            data["additionalProperties"] = self.values.to_dict()
        elif "object" in self.types:
            data["properties"] = {k: v.to_dict() for k, v in sorted(self.fields.items())}
            if self.optional:
                data["optional"] = sorted(self.optional)
        if self.example is not None:
            data["example"] = self.example
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Shape:
        """The inverse of :meth:`to_dict`; a malformed document raises ValueError saying where."""
        return _from_dict(data, ())


def _merge_all(shapes: list[Shape]) -> Shape | None:
    if not shapes:
        return None
    merged = shapes[0]
    for shape in shapes[1:]:
        merged = merged.merge(shape)
    return merged


def _merge_fields(a: Shape, b: Shape) -> tuple[Mapping[str, Shape], frozenset[str]]:
    a_object, b_object = "object" in a.types, "object" in b.types
    if not (a_object and b_object):
        return (a.fields, a.optional) if a_object else (b.fields, b.optional)
    fields = dict(a.fields)
    for name, shape in b.fields.items():
        mine = fields.get(name)
        fields[name] = shape if mine is None else mine.merge(shape)
    one_sided = a.fields.keys() ^ b.fields.keys()
    return MappingProxyType(dict(sorted(fields.items()))), a.optional | b.optional | one_sided


_NULL = Shape(frozenset({"null"}))
_BOOLEAN = frozenset({"boolean"})
_INTEGER = frozenset({"integer"})
_NUMBER = frozenset({"number"})
_STRING = frozenset({"string"})
_ARRAY = frozenset({"array"})
_OBJECT = frozenset({"object"})
_KIND_RANK = {type(None): 0, bool: 1, int: 2, float: 3, str: 4, list: 5, tuple: 5, dict: 6}


def infer_shape(value: Json, *, ignore: Sequence[str] | PathMatcher = ()) -> Shape:
    """The shape of a parsed JSON value; fields at ``ignore`` paths are left out entirely."""
    return _Inferrer(PathMatcher.of(ignore)).many([value], ())


def _short(value: str) -> str:
    return value if len(value) <= EXAMPLE_LIMIT else value[:EXAMPLE_LIMIT] + "…"


class _Inferrer:
    __slots__ = ("ignore",)

    def __init__(self, ignore: PathMatcher) -> None:
        self.ignore = ignore

    def many(self, values: list[Any], path: Path) -> Shape:
        """The merged shape of a non-empty column of values found at ``path``."""
        kinds = set(map(type, values))
        if len(kinds) == 1:
            return self.same(kinds.pop(), values, path)
        nullable = type(None) in kinds
        if nullable:  # the common mixture, split off with an identity test
            kinds.discard(type(None))
            values = [v for v in values if v is not None]
        if len(kinds) == 1:
            merged = self.same(kinds.pop(), values, path)
        else:
            ordered = sorted(kinds, key=lambda kind: _KIND_RANK.get(kind, 9))
            shapes = [
                self.same(kind, [v for v in values if type(v) is kind], path) for kind in ordered
            ]
            merged = shapes[0]
            for shape in shapes[1:]:
                merged = merged.merge(shape)
        return merged.merge(_NULL) if nullable else merged

    def same(self, kind: type, values: list[Any], path: Path) -> Shape:
        """The shape of a column whose values all have the Python type ``kind``."""
        if kind is str:
            fmt, style = detect(values)
            return Shape(_STRING, fmt, style, example=_short(values[0]))
        if kind is dict:
            return self.objects(values, path)
        if kind is int:
            return Shape(_INTEGER, example=values[0])
        if kind is float:
            return Shape(_NUMBER, example=values[0])
        if kind is bool:
            return Shape(_BOOLEAN, example=values[0])
        if kind is type(None):
            return _NULL
        if kind is list or kind is tuple:
            child = (*path, ITEMS)
            flat = list(chain.from_iterable(values))
            if not flat or self.ignore(child):
                return Shape(_ARRAY)
            return Shape(_ARRAY, items=self.many(flat, child))
        return self.same(_json_kind(values[0], path), values, path)

    def objects(self, dicts: list[dict[str, Any]], path: Path) -> Shape:
        keysets = set(map(tuple, dicts))
        columns: Iterable[tuple[str, list[Any]]]
        optional: set[str] = set()
        if len(keysets) == 1:
            keys = keysets.pop()
            if len(dicts) == 1:
                columns = ((k, [dicts[0][k]]) for k in keys)
            else:
                columns = ((k, list(map(itemgetter(k), dicts))) for k in keys)
        else:
            total = len(dicts)
            union = dict.fromkeys(chain.from_iterable(keysets))
            pairs = []
            for key in union:
                column = [d[key] for d in dicts if key in d]
                if len(column) < total:
                    optional.add(key)
                pairs.append((key, column))
            columns = pairs
        fields: dict[str, Shape] = {}
        ignore = self.ignore
        for key, column in columns:
            child = (*path, key)
            if ignore and ignore(child):
                optional.discard(key)
                continue
            fields[key] = self.many(column, child)
        ordered = MappingProxyType(dict(sorted(fields.items())))
        shape = Shape(_OBJECT, fields=ordered, optional=frozenset(optional))
        return shape.as_map() if looks_like_map(ordered) else shape


def _json_kind(value: Any, path: Path) -> type:
    """Subclasses (an IntEnum, a str Enum, an OrderedDict) count as the JSON type they are."""
    for kind in (bool, int, float, str, dict, list, tuple):
        if isinstance(value, kind):
            return kind
    raise UsageError(f"{render_path(path)}: {type(value).__name__} is not JSON data")


_SCALARS = (str, int, float, bool)


def _from_dict(data: Any, path: Path) -> Shape:
    where = render_path(path)
    if not isinstance(data, dict):
        raise ValueError(f"{where}: a shape must be an object")
    raw = data.get("type")
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names or not all(n in _RANK for n in names):
        raise ValueError(f"{where}: 'type' must be one of {', '.join(TYPE_ORDER)} or a list")
    unknown = set(data) - {
        "type",
        "format",
        "style",
        "items",
        "properties",
        "additionalProperties",
        "optional",
        "example",
    }
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    fmt, style = data.get("format"), data.get("style")
    for key, value in (("format", fmt), ("style", style)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}: {key!r} must be a string")
    items = None
    if data.get("items") is not None:
        items = _from_dict(data["items"], (*path, ITEMS))
    props = data.get("properties", {})
    if not isinstance(props, dict):
        raise ValueError(f"{where}: 'properties' must be an object")
    fields = {name: _from_dict(value, (*path, name)) for name, value in sorted(props.items())}
    optional = data.get("optional", [])
    if not isinstance(optional, list) or not all(isinstance(n, str) for n in optional):
        raise ValueError(f"{where}: 'optional' must be a list of field names")
    example = data.get("example")
    if example is not None and not isinstance(example, _SCALARS):
        raise ValueError(f"{where}: 'example' must be a string, number or boolean")
    values = None
    if data.get("additionalProperties") is not None:
        if "object" not in names or props:
            raise ValueError(
                f"{where}: 'additionalProperties' is for a map: an object without 'properties'"
            )
        values = _from_dict(data["additionalProperties"], (*path, WILDCARD))
    return Shape(
        frozenset(names),
        fmt,
        style,
        items,
        MappingProxyType(fields),
        frozenset(optional),
        example,
        values,
    )
