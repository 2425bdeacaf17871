"""The canonical form of a schema: one spelling for every way of writing the same contract.

OpenAPI 3.0 and 3.1, and the tools that generate them (FastAPI with Pydantic 1 or 2, Stripe's
generator, hand-written YAML), spell one contract many ways. Comparing raw documents would
report every spelling difference as a change; comparing canonical forms reports only what a
client can notice. The canonical form is plain JSON data, so ``normalize_schema`` can be
checked for idempotence, and it keeps ``$ref`` as references: cycles (Stripe is full of them)
are never inlined here; the diff follows references itself, once per pair.

What is made equal (CHECKS.md's list of changes that are not changes):

- ``nullable: true``, ``type: [X, "null"]``, ``anyOf``/``oneOf`` with a ``{type: null}`` branch
  and ``enum`` holding ``null`` all become ``"nullable": true`` beside the non-null schema;
- ``const: v`` becomes ``enum: [v]``; enums are sorted and deduplicated;
- ``exclusiveMinimum: true`` + ``minimum: m`` (3.0) becomes ``exclusiveMinimum: m`` (3.1);
- ``0.0`` becomes ``0`` in bounds, defaults and enum values;
- ``allOf``/``anyOf``/``oneOf`` with a single branch (FastAPI's ``allOf: [{$ref}]``) becomes
  that branch, keeping its siblings;
- titles, descriptions, examples, ``x-`` extensions and other annotations are dropped;
- ``type`` is always a sorted list (without ``null``), inferred as ``object`` or ``array``
  when only ``properties`` or ``items`` say so, and from the values of an ``enum``;
  ``additionalProperties: true`` is dropped.

Key order never matters: the diff compares dictionaries, not text. How each keyword is read
lives in :mod:`~driftguard.openapi.keywords`; this module is the walk over one schema node and
what is made equal across keywords (nullability, single-branch compositions, inferred types).
"""

from __future__ import annotations

from typing import Any

from driftguard.openapi.keywords import (
    ANNOTATIONS,
    COMPOSITIONS,
    FLAGS,
    HANDLERS,
    NUMERIC,
    STRUCTURAL,
    ZERO_IS_NO_BOUND,
    Recurse,
    canonical_value,
    enum_key,
    holds_boolean_data,
)

__all__ = ["Canonicalizer", "is_null_only", "normalize", "normalize_schema"]

Schema = dict[str, Any]


def is_null_only(schema: Schema) -> bool:
    """Whether a canonical schema accepts ``null`` and nothing else."""
    if schema.get("nullable") is not True:
        return False
    if schema.get("type") == [] or schema.get("enum") == []:
        return all(k in ("type", "enum", "nullable") for k in schema)
    return False


def normalize_schema(node: Any) -> Schema:
    """The canonical form of one schema (inline subschemas included, ``$ref`` kept)."""
    return Canonicalizer().schema(node)


class Canonicalizer:
    """:func:`normalize_schema` that also remembers which results are plain: no ``$ref``
    and no boolean in their data (a ``default: false``), anywhere inside.

    Two equal plain canonical schemas need no further comparison: one C-level ``==``
    settles them (a boolean would pass for 0 or 1 there). Results are kept alive here so
    that their ids stay theirs.
    """

    __slots__ = ("_recurse", "_refs", "plain")

    def __init__(self) -> None:
        self.plain: dict[int, Schema] = {}
        self._refs = 0
        self._recurse = self.schema  # (one bound method for every node)

    def schema(self, node: Any) -> Schema:
        if type(node) is dict and len(node) == 1:
            ref = node.get("$ref")
            if type(ref) is str:  # a bare reference, the most common node there is
                self._refs += 1
                return {"$ref": ref}
        before = self._refs
        out = _normalize(node, self._recurse)
        if (
            self._refs == before
            and "$ref" not in out
            and ("allOf" not in out or not any("$ref" in b for b in out["allOf"]))
            and not holds_boolean_data(out)
        ):
            self.plain[id(out)] = out
        else:
            self._refs += 1
        return out


def _normalize(node: Any, recurse: Recurse) -> Schema:
    if node is True or node is None:
        return {}
    if node is False:
        return {"not": {}}
    if not isinstance(node, dict):
        return {}
    out: Schema = {}
    nullable = False
    # The hottest loop of a diff (every schema node of both documents): one lookup a key
    # says what to do with it (see _kind).
    kinds = _KINDS
    for key, value in node.items():
        kind = kinds.get(key)
        if kind is None:
            kind = _kind(key)
        if kind is _KEEP:
            out[key] = value
        elif kind is _SKIP:
            continue
        elif kind is _NUMBER:
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and (value or key not in ZERO_IS_NO_BOUND)
            ):
                out[key] = canonical_value(value)
        elif kind is _FLAG:
            if value is True:
                out[key] = True
        else:
            nullable = kind(out, key, value, recurse) or nullable
    if _PLAIN_TAIL.isdisjoint(node):  # (most nodes: no 3.0 bound, no composition)
        if nullable:
            out["nullable"] = True
        if "type" not in out:
            _infer_type(out)
        if "$ref" in out and len(out) > 1 and not STRUCTURAL.isdisjoint(out):
            return _ref_with_siblings(out)
        return out
    if "exclusiveMinimum" in node or "exclusiveMaximum" in node:
        _exclusive_bounds(node, out)
    if "anyOf" in out or "oneOf" in out:
        for kind_name in ("anyOf", "oneOf"):
            branches = out.get(kind_name)
            if branches is not None:
                kept = [b for b in branches if not is_null_only(b)]
                if len(kept) != len(branches):
                    nullable = True
                    if kept:
                        out[kind_name] = kept
                    else:
                        del out[kind_name]
                        out.setdefault("type", [])
                _values_as_enum(out, kind_name)
    if nullable:
        out["nullable"] = True
    if "allOf" in out or "anyOf" in out or "oneOf" in out:
        out = _collapse(out)
    if "type" not in out:
        _infer_type(out)
    if "$ref" in out and len(out) > 1 and not STRUCTURAL.isdisjoint(out):
        return _ref_with_siblings(out)
    return out


# Raw keywords after which a node needs more than the plain tail of _normalize: the 3.0
# exclusive bounds, and compositions (which only ever come from the node's own keys).
_PLAIN_TAIL = frozenset({"exclusiveMinimum", "exclusiveMaximum", *COMPOSITIONS})


def _ref_with_siblings(out: Schema) -> Schema:
    """``{$ref, properties...}``: the reference and the subschemas beside it, as an allOf."""
    rest = {k: v for k, v in out.items() if k not in ("$ref", "nullable")}
    _infer_type(rest)  # as normalising the branch on its own would
    wrapped: Schema = {"allOf": [{"$ref": out["$ref"]}, rest]}
    if out.get("nullable"):
        wrapped["nullable"] = True
    return wrapped


# What _normalize does with a keyword: keep, skip, a bound, a flag, or call its handler.
_KEEP: Any = object()
_SKIP: Any = object()
_NUMBER: Any = object()
_FLAG: Any = object()


def _kind(key: str) -> Any:
    """The treatment of ``key`` (remembered in _KINDS, which known keywords start in)."""
    if key in ANNOTATIONS or (key.startswith("x-") and key not in HANDLERS):
        kind = _SKIP
    elif key in HANDLERS:
        kind = HANDLERS[key]
    elif key in NUMERIC:
        kind = _NUMBER
    elif key in FLAGS:
        kind = _FLAG
    else:
        kind = _KEEP
    if len(_KINDS) < 4096:  # keys are the document's: keep the table bounded
        _KINDS[key] = kind
    return kind


_KINDS: dict[str, Any] = {}
for _key in (*ANNOTATIONS, *HANDLERS, *NUMERIC, *FLAGS):
    _kind(_key)


def _exclusive_bounds(node: dict[str, Any], out: Schema) -> None:
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if node.get(flag) is True and bound in out:
            out[flag] = out.pop(bound)


def _values_as_enum(out: Schema, kind: str) -> None:
    """``oneOf: [{const: 1, title: A}, {const: 2, title: B}]`` is ``enum: [1, 2]``.

    Generators (Discord's, NSwag's) document enums this way to give each value a name.
    """
    branches = out.get(kind)
    if not branches or "enum" in out:
        return
    types = out.get("type")
    values: dict[tuple[int, Any], Any] = {}
    for branch in branches:
        if not branch.keys() <= {"enum", "type"} or len(branch.get("enum") or ()) != 1:
            return
        if "type" in branch:
            if types is None:
                types = branch["type"]
            elif branch["type"] != types:
                return
        value = branch["enum"][0]
        values.setdefault(enum_key(value), value)
    del out[kind]
    out["enum"] = [values[k] for k in sorted(values)]
    if types is not None:
        out["type"] = types


def _collapse(out: Schema) -> Schema:
    """A composition with one real branch is that branch (FastAPI's ``allOf: [{$ref}]``)."""
    for kind in COMPOSITIONS:
        branches = out.get(kind)
        if not branches:
            continue
        real = [b for b in branches if b] if kind == "allOf" else branches
        if len(real) != 1:
            continue
        branch = real[0]
        rest = {k: v for k, v in out.items() if k != kind}
        merged = _merge(branch, rest)
        if merged is not None:
            return _collapse(merged)
    return out


def _merge(branch: Schema, rest: Schema) -> Schema | None:
    """``branch`` with the sibling keywords ``rest``, or None when they would conflict."""
    if "$ref" in branch and not STRUCTURAL.isdisjoint(rest):
        return None
    merged = dict(branch)
    for key, value in rest.items():
        if key == "nullable":
            merged["nullable"] = True
        elif key not in merged:
            merged[key] = value
        elif merged[key] != value:
            return None
    if "nullable" in merged and merged.get("nullable") is not True:
        del merged["nullable"]
    return merged


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object"}


def _infer_type(out: Schema) -> None:
    if "type" in out or "$ref" in out:
        return
    if not all(kind not in out for kind in COMPOSITIONS):
        return
    if "enum" in out:
        # An enum's values say its type: {enum: [a, b]} is {type: string, enum: [a, b]}.
        types = {_JSON_TYPES.get(type(value), "array") for value in out["enum"]}
        if "number" in types:
            types.discard("integer")
        if types:
            out["type"] = sorted(types)
        return
    if "properties" in out or "required" in out or "additionalProperties" in out:
        out["type"] = ["object"]
    elif "items" in out or "prefixItems" in out:
        out["type"] = ["array"]


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every schema in canonical form (for tests, tools and inspection).

    The diff itself normalises lazily, schema by schema, as it reaches them; this applies
    the same function to every place a schema can appear.
    """
    result: dict[str, Any] = _normalize_node(document, "document")
    return result


_SCHEMA_SLOTS = {"schema"}


def _normalize_node(node: Any, context: str) -> Any:
    if isinstance(node, list):
        return [_normalize_node(item, context) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if context == "schemas" or (key in _SCHEMA_SLOTS and isinstance(value, dict | bool)):
            out[key] = normalize_schema(value)
        elif key == "schemas" and context == "components":
            out[key] = _normalize_node(value, "schemas")
        elif key == "components":
            out[key] = _normalize_node(value, "components")
        else:
            out[key] = _normalize_node(value, "other")
    return out
