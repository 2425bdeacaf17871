"""Boundary values sent at default settings, whatever Hypothesis happens to draw.

Crashes on the edges of a type (a negative number into ``math.sqrt``, an id beyond 2^63 into
SQLite, ``9999-12-31`` plus two days, ``NaN`` read by Python's JSON parser, a NUL byte into a
C library, a naive datetime compared with an aware one, a lone surrogate echoed back) hide
behind a few exact values that random generation seldom reaches in 25 examples. Every
operation therefore also gets a small fixed set of cases: one valid request (schemathesis'
first positive coverage case) with one parameter (path, query, header, cookie), one JSON body
field (top-level or nested, the first item of an array standing for every item) or one field
of a URL-encoded form (a login form's password) replaced by a boundary value of its type and
bounds.

A case is positive when its value is valid against the operation's schema and negative when
not, so the judge reads it like any other: a crash is ``server-error``, an invalid value
accepted is ``accepted-invalid-input``. The set depends on the schema only, never on the seed,
and is capped per operation.

``NaN``, ``Infinity`` and ``1e400`` are not values JSON encoders write; :func:`body_text`
writes them as the JSON text a client would send, and :func:`form_text` as form text.

A lone surrogate (``"\\ud800"`` in JSON text, ``%ED%A0%80`` in a query) is valid JSON yet no
text: Starlette's JSON renderer cannot encode it, so every FastAPI handler that echoes one,
and FastAPI's own 422 handler (which echoes the input it refuses), answer 500. It is sent for
the crashes it causes only, and each such crash is one finding of the whole app, whatever
operations show it (:class:`~driftguard.fuzzing.evidence.Collector`): one exception site (or,
over HTTP, one "500 with a lone surrogate"), one fix.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from schemathesis.core import NotSet
from schemathesis.core.jsonschema import make_validator
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import (
    REQUEST_SHAPE_PROBES,
    CaseMetadata,
    ComponentInfo,
    CoverageScenario,
    GenerationInfo,
    PhaseInfo,
    coverage_scenario,
)

from driftguard.fuzzing._compat import body_for_media_type, parameter_validator
from driftguard.fuzzing.schema import keyword, schema_types

__all__ = [
    "CAP",
    "Boundary",
    "BoundaryCase",
    "body_text",
    "boundary_cases",
    "boundary_values",
    "form_text",
    "is_base",
]

# Boundary requests per operation at most.
CAP = 60
INT64 = 2**63
_LONG = 10_000
_RAW = "\x00driftguard-raw\x00"  # stands for a JSON text no encoder writes
# A lone high surrogate between two letters: Python reads "\ud800" in JSON text as it.
SURROGATE = "a\ud800b"
# The same in a URL: the UTF-8 bytes a surrogate would have, which no decoder accepts.
_SURROGATE_BYTES = b"a\xed\xa0\x80b"
_FORMS = ("application/x-www-form-urlencoded",)


@dataclass(frozen=True)
class Boundary:
    """One boundary value: what the server reads, and the JSON text sent when it differs."""

    value: Any
    label: str
    text: str | None = None  # raw JSON text: 1e400, NaN, Infinity
    is_json: bool = True  # False for what is not JSON at all (NaN, Infinity)
    # Sent for the crashes it causes only: a naive datetime breaks RFC 3339's date-time, yet
    # Pydantic's datetime takes it, so its acceptance would flag nearly every FastAPI app;
    # a lone surrogate is valid JSON that Pydantic refuses as no text.
    crash_only: bool = False
    # Sent in JSON bodies and query strings only: Starlette reads paths, headers and forms
    # with replacement characters, so nothing else carries it to the app.
    surrogate: bool = False


def _integers(schema: Any, root: Mapping[str, Any]) -> list[Boundary]:
    values: list[int] = []
    for name, step in (("minimum", -1), ("maximum", 1)):
        bound = keyword(schema, root, name)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            values += [math.ceil(bound) if step < 0 else math.floor(bound)]
            values += [values[-1] + step]
    values += [0, -1, -(INT64 + 1), INT64, 2**64]
    found = [Boundary(v, str(v)) for v in dict.fromkeys(values)]
    return [*found, Boundary(0, "-0", text="-0")]


def _numbers(schema: Any, root: Mapping[str, Any]) -> list[Boundary]:
    found = [b for b in _integers(schema, root) if b.text is None and abs(b.value) < INT64]
    inf = math.inf
    return [
        *found,
        Boundary(-0.0, "-0.0"),
        Boundary(1e308, "1e308"),
        Boundary(-1e308, "-1e308"),
        Boundary(inf, "1e400", text="1e400"),
        Boundary(-inf, "-1e400", text="-1e400"),
        Boundary(math.nan, "NaN", text="NaN", is_json=False),
        Boundary(inf, "Infinity", text="Infinity", is_json=False),
        Boundary(-inf, "-Infinity", text="-Infinity", is_json=False),
    ]


def _strings(schema: Any, root: Mapping[str, Any]) -> list[Boundary]:
    found = [
        Boundary("", "empty"),
        Boundary("a\x00b", "NUL byte"),
        Boundary("x" * _LONG, "long"),
        Boundary(SURROGATE, "lone surrogate", crash_only=True, surrogate=True),
    ]
    kind = keyword(schema, root, "format")
    if kind == "date":
        found += [Boundary("0001-01-01", "year 1"), Boundary("9999-12-31", "9999-12-31")]
    elif kind == "date-time":
        found += [
            Boundary("2024-01-01T00:00:00", "naive", crash_only=True),
            Boundary("2024-01-01T00:00:00+00:00", "aware"),
            Boundary("0001-01-01T00:00:00Z", "year 1"),
            Boundary("9999-12-31T23:59:59Z", "year 9999"),
        ]
    return found


def boundary_values(schema: Any, root: Mapping[str, Any]) -> list[Boundary]:
    """The boundary values of a schema's type(s) and bounds, in a fixed order."""
    types = schema_types(schema, root)
    found: list[Boundary] = []
    if "integer" in types and "number" not in types:
        found += _integers(schema, root)
    if "number" in types:
        found += _numbers(schema, root)
    if "string" in types:
        found += _strings(schema, root)
    if "array" in types:
        found.append(Boundary([], "empty array"))
    return found


Path = tuple[str | int, ...]  # keys and array indexes from a body's root to one field


def _put(body: Any, path: Path, value: Any) -> Any:
    """A copy of ``body`` with ``value`` at ``path`` (containers on the way copied)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    copied: Any = list(body) if isinstance(body, list) else dict(body)
    copied[head] = _put(body[head], rest, value) if rest else value
    return copied


def body_text(body: Any, path: str | Path, boundary: Boundary) -> bytes:
    """The JSON text of ``body`` with ``boundary`` at ``path`` (a top-level key or the
    keys and indexes down to a nested field), as sent; a lone surrogate goes as its
    ``\\ud800`` escape, which is how ``json.dumps`` writes it."""
    where = (path,) if isinstance(path, str) else path
    data = _put(body, where, _RAW if boundary.text is not None else boundary.value)
    text = json.dumps(data)
    if boundary.text is not None:
        text = text.replace(json.dumps(_RAW), boundary.text)
    return text.encode("utf-8")


def form_text(body: Mapping[str, Any], name: str, boundary: Boundary) -> bytes:
    """A URL-encoded form: ``body`` with ``boundary`` as field ``name``, every byte as sent
    (a NUL byte as ``%00``, ``NaN`` and ``-0`` as that text)."""
    fields = []
    for key, value in {**body, name: boundary.text or boundary.value}.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append(f"{quote(str(key), safe='')}={quote(_form_value(item), safe='')}")
    return "&".join(fields).encode("ascii")


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@dataclass(frozen=True)
class BoundaryCase:
    """A case to send, and the body text to send instead of its JSON-encoded body."""

    case: Any
    text: bytes | None
    crash_only: bool = False
    surrogate: bool = False  # its crashes are causes of the whole app


def is_base(case: Any) -> bool:
    """A positive case of the documented request shape: a base for boundary values."""
    meta = case.meta
    return (
        meta is not None
        and meta.generation.mode.is_positive
        and coverage_scenario(case) not in REQUEST_SHAPE_PROBES
    )


def boundary_cases(operation: Any, base: Any) -> Iterator[BoundaryCase]:
    """Up to :data:`CAP` cases: ``base`` with one parameter or body field at a boundary."""
    if base is None:
        return
    yield from itertools.islice(_cases(operation, base), CAP)


_PARAMETERS = (
    (ParameterLocation.PATH, "path_parameters", "path_parameters"),
    (ParameterLocation.QUERY, "query", "query"),
    (ParameterLocation.HEADER, "headers", "headers"),
    (ParameterLocation.COOKIE, "cookies", "cookies"),
)


def _cases(operation: Any, base: Any) -> Iterator[BoundaryCase]:
    for location, attribute, part in _PARAMETERS:
        for parameter in getattr(operation, attribute):
            schema = parameter.validation_schema
            validator = parameter_validator(parameter)
            for boundary in boundary_values(schema, schema):
                if not _carried(location, parameter, boundary):
                    continue
                value = boundary.text or boundary.value
                if boundary.surrogate:
                    value = _SURROGATE_BYTES  # requests sends it as %ED%A0%80
                elif location in (ParameterLocation.HEADER, ParameterLocation.COOKIE):
                    value = value if isinstance(value, str) else json.dumps(value)
                valid = _valid(validator, boundary)
                values = dict(getattr(base, part) or {})
                values[parameter.name] = value
                meta = _meta(location, parameter.name, boundary, valid)
                case = operation.Case(
                    **_parts(base, **{part: values}), media_type=base.media_type, _meta=meta
                )
                yield BoundaryCase(case, None, boundary.crash_only, boundary.surrogate)
    yield from _body_cases(operation, base)


def _carried(location: ParameterLocation, parameter: Any, boundary: Boundary) -> bool:
    """Whether ``boundary`` can be sent, as itself, in a parameter at ``location``."""
    if boundary.surrogate:
        return location == ParameterLocation.QUERY
    if boundary.value == [] and (location == ParameterLocation.PATH or parameter.is_required):
        return False  # an empty array is no parameter at all: a required one goes missing
    if location == ParameterLocation.PATH and boundary.value == "":
        return False  # an empty path segment reaches another route
    if location in (ParameterLocation.HEADER, ParameterLocation.COOKIE):
        return "\x00" not in str(boundary.value)  # HTTP clients refuse to send it
    return True


def _valid(validator: Any, boundary: Boundary) -> bool:
    if not boundary.is_json or boundary.surrogate:
        return False  # never judged as valid: NaN is no JSON, a lone surrogate no text
    try:
        return bool(validator.is_valid(boundary.value))
    except Exception:  # a value the validator cannot read
        return False


def _body_cases(operation: Any, base: Any) -> Iterator[BoundaryCase]:
    body = base.body
    if isinstance(body, NotSet) or not isinstance(body, Mapping) or base.media_type is None:
        return
    is_json = "json" in base.media_type
    if not is_json and base.media_type.split(";")[0].strip() not in _FORMS:
        return
    alternative = body_for_media_type(operation, base.media_type)
    if alternative is None:
        return
    schema = alternative.optimized_schema
    try:
        validator = make_validator(schema, operation.schema.adapter.jsonschema_validator_cls)
    except Exception:  # a schema the validator cannot read (e.g. a non-ECMA pattern)
        return
    fields = _fields(body, schema, schema, ()) if is_json else _top_fields(body, schema)
    for path, field_schema in fields:
        for boundary in boundary_values(field_schema, schema):
            if boundary.surrogate and not is_json:
                continue  # Starlette reads form text with replacement characters
            if not is_json and boundary.value == []:
                continue  # an empty list is no form field at all
            data = _put(body, path, boundary.value)
            valid = not boundary.surrogate and boundary.is_json and validator.is_valid(data)
            name = "/".join(str(step) for step in path)
            meta = _meta(ParameterLocation.BODY, name, boundary, valid)
            case = operation.Case(**_parts(base, body=data), media_type=base.media_type, _meta=meta)
            if is_json:
                text = body_text(body, path, boundary)
            else:
                text = form_text(body, str(path[0]), boundary)
            yield BoundaryCase(case, text, boundary.crash_only, boundary.surrogate)


def _top_fields(body: Mapping[str, Any], schema: Any) -> Iterator[tuple[Path, Any]]:
    properties = keyword(schema, schema, "properties")
    if isinstance(properties, Mapping):
        for name, field_schema in properties.items():
            yield (str(name),), field_schema


def _fields(
    value: Any, schema: Any, root: Mapping[str, Any], path: Path
) -> Iterator[tuple[Path, Any]]:
    """Every declared field of an object schema, then the fields inside the ones the base
    body holds as objects or arrays of objects (the first item of an array for all)."""
    properties = keyword(schema, root, "properties")
    if not isinstance(properties, Mapping):
        return
    nested: list[tuple[Path, Any, Any]] = []
    for name, field_schema in properties.items():
        yield (*path, str(name)), field_schema
        held = value.get(name) if isinstance(value, Mapping) else None
        if isinstance(held, Mapping):
            nested.append(((*path, str(name)), held, field_schema))
        elif isinstance(held, Sequence) and not isinstance(held, str) and held:
            items = keyword(field_schema, root, "items")
            if isinstance(held[0], Mapping) and items is not None:
                nested.append(((*path, str(name), 0), held[0], items))
    for where, held, field_schema in nested:
        if len(where) < 8:  # deep enough for any real body, and no recursion without end
            yield from _fields(held, field_schema, root, where)


def _parts(base: Any, **changed: Any) -> dict[str, Any]:
    parts = {
        "path_parameters": dict(base.path_parameters or {}),
        "query": dict(base.query or {}),
        "headers": dict(base.headers or {}),
        "cookies": dict(base.cookies or {}),
        "body": base.body,
    }
    parts.update(changed)
    return parts


def _meta(location: ParameterLocation, name: str, boundary: Boundary, valid: bool) -> CaseMetadata:
    mode = GenerationMode.POSITIVE if valid else GenerationMode.NEGATIVE
    components = {
        where: ComponentInfo(mode=mode if where == location else GenerationMode.POSITIVE)
        for where in ParameterLocation
    }
    where = "body" if location == ParameterLocation.BODY else location.value
    description = f"{where} {name} at a boundary: {boundary.label}"
    scenario = CoverageScenario.NEAR_BOUNDARY_NUMBER if valid else CoverageScenario.INCORRECT_TYPE
    return CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=mode),
        components=components,
        phase=PhaseInfo.coverage(
            scenario,
            description,
            location=f"/{name}",
            parameter=name,
            parameter_location=location,
        ),
    )
