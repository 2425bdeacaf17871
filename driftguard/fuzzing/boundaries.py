"""Boundary values sent at default settings, whatever Hypothesis happens to draw.

Crashes on the edges of a type (a negative number into ``math.sqrt``, an id beyond 2^63 into
SQLite, ``9999-12-31`` plus two days, ``NaN`` read by Python's JSON parser, a NUL byte into a
C library, a naive datetime compared with an aware one) hide behind a few exact values that
random generation seldom reaches in 25 examples. Every operation therefore also gets a small
fixed set of cases: one valid request (schemathesis' first positive coverage case) with one
parameter or top-level body field replaced by a boundary value of its type and bounds.

A case is positive when its value is valid against the operation's schema and negative when
not, so the judge reads it like any other: a crash is ``server-error``, an invalid value
accepted is ``accepted-invalid-input``. The set depends on the schema only, never on the seed,
and is capped per operation.

``NaN``, ``Infinity`` and ``1e400`` are not values JSON encoders write; :func:`body_text`
writes them as the JSON text a client would send.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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

from driftguard.fuzzing.schema import keyword, schema_types

__all__ = [
    "CAP",
    "Boundary",
    "BoundaryCase",
    "body_text",
    "boundary_cases",
    "boundary_values",
    "is_base",
]

# Boundary requests per operation at most.
CAP = 60
INT64 = 2**63
_LONG = 10_000
_RAW = "\x00driftguard-raw\x00"  # stands for a JSON text no encoder writes


@dataclass(frozen=True)
class Boundary:
    """One boundary value: what the server reads, and the JSON text sent when it differs."""

    value: Any
    label: str
    text: str | None = None  # raw JSON text: 1e400, NaN, Infinity
    is_json: bool = True  # False for what is not JSON at all (NaN, Infinity)
    # Sent for the crashes it causes only: a naive datetime breaks RFC 3339's date-time, yet
    # Pydantic's datetime takes it, so its acceptance would flag nearly every FastAPI app.
    crash_only: bool = False


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
    ]


def _strings(schema: Any, root: Mapping[str, Any]) -> list[Boundary]:
    found = [Boundary("", "empty"), Boundary("a\x00b", "NUL byte"), Boundary("x" * _LONG, "long")]
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


def body_text(body: Any, path: str, boundary: Boundary) -> bytes:
    """The JSON text of ``body`` with ``boundary`` at top-level key ``path``, as sent."""
    data = dict(body)
    data[path] = _RAW if boundary.text is not None else boundary.value
    text = json.dumps(data)
    if boundary.text is not None:
        text = text.replace(json.dumps(_RAW), boundary.text)
    return text.encode("utf-8")


@dataclass(frozen=True)
class BoundaryCase:
    """A case to send, and the body text to send instead of its JSON-encoded body."""

    case: Any
    text: bytes | None
    crash_only: bool = False


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


def _cases(operation: Any, base: Any) -> Iterator[BoundaryCase]:
    for location, attribute in (
        (ParameterLocation.PATH, "path_parameters"),
        (ParameterLocation.QUERY, "query"),
    ):
        for parameter in getattr(operation, attribute):
            schema = parameter.validation_schema
            validator = parameter.get_validator()
            for boundary in boundary_values(schema, schema):
                if location == ParameterLocation.PATH and boundary.value in ("", []):
                    continue  # an empty path segment reaches another route
                value = boundary.text or boundary.value
                valid = boundary.is_json and validator.is_valid(boundary.value)
                values = dict(getattr(base, attribute) or {})
                values[parameter.name] = value
                meta = _meta(location, parameter.name, boundary, valid)
                case = operation.Case(
                    **_parts(base, **{attribute: values}), media_type=base.media_type, _meta=meta
                )
                yield BoundaryCase(case, None, boundary.crash_only)
    yield from _body_cases(operation, base)


def _body_cases(operation: Any, base: Any) -> Iterator[BoundaryCase]:
    body = base.body
    if isinstance(body, NotSet) or not isinstance(body, Mapping) or base.media_type is None:
        return
    if "json" not in base.media_type:
        return
    alternative = operation.get_body_for_media_type(base.media_type)
    if alternative is None:
        return
    schema = alternative.optimized_schema
    try:
        validator = make_validator(schema, operation.schema.adapter.jsonschema_validator_cls)
    except Exception:  # a schema the validator cannot read (e.g. a non-ECMA pattern)
        return
    properties = keyword(schema, schema, "properties")
    if not isinstance(properties, Mapping):
        return
    for name, field_schema in properties.items():
        for boundary in boundary_values(field_schema, schema):
            data = {**body, name: boundary.value}
            valid = boundary.is_json and validator.is_valid(data)
            meta = _meta(ParameterLocation.BODY, name, boundary, valid)
            case = operation.Case(**_parts(base, body=data), media_type=base.media_type, _meta=meta)
            yield BoundaryCase(case, body_text(body, name, boundary), boundary.crash_only)


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
