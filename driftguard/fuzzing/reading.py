"""Requests judged the way FastAPI and Starlette read them, not only as OpenAPI writes them.

A query array is every ``tags=`` key, one item each (``tags=0`` is ``[0]``); an array header
is repeated headers, never the ``simple`` style's ``1,2``; schemathesis' own reading of a
query value beside others misses some. The judge (:mod:`driftguard.fuzzing.judge`) asks here
before it calls a request valid or invalid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.utils import parameter_types, sent_text_is_valid

from driftguard.fuzzing._compat import parameter_validator
from driftguard.fuzzing.causes import detail_of
from driftguard.fuzzing.transport import Exchange, Request

__all__ = [
    "query_list_valid",
    "read_as_list",
    "sent_query_value_is_invalid",
    "split_header_list",
]


def read_as_list(values: Sequence[str], is_valid: Callable[[Any], bool]) -> bool:
    """Whether a query array's sent values are valid read the way FastAPI reads them.

    FastAPI reads ``list[int]`` from every ``tags=`` key, each text one item (``tags=0`` is
    ``[0]``), whatever style the document names. ``is_valid`` checks the parameter's schema.
    """
    if not values:
        return False
    parsed = []
    for text in values:
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        parsed.append(value if isinstance(value, int | float) else text)
    return is_valid(parsed) or is_valid(list(values))


def split_header_list(exchange: Exchange, operation: Any) -> bool:
    """A 422 that names only array headers, which FastAPI does not read as OpenAPI writes them.

    OpenAPI sends an array header in the ``simple`` style (``X-Ids: 1,2``, an empty value
    for ``[]``, ``null`` for a nullable one); FastAPI reads a ``list[int]`` header from
    repeated headers, the whole text one item, and refuses all but a single plain item.
    That is how the framework reads headers, not a rule the app adds.
    """
    if exchange.status != 422:
        return False
    array_headers = {
        p.name.lower() for p in operation.headers if "array" in parameter_types(p.validation_schema)
    }
    detail = detail_of(exchange)
    if not isinstance(detail, list) or not detail:
        return False
    for error in detail:
        loc = error.get("loc") if isinstance(error, Mapping) else None
        if not (isinstance(loc, list) and len(loc) > 1 and loc[0] == "header"):
            return False
        if str(loc[1]).lower() not in array_headers:
            return False
    return True


def sent_query_value_is_invalid(case: Any, exchange: Exchange) -> bool:
    """Whether a negative case's one negated query parameter was sent invalid.

    schemathesis 4.32.5's ``negative_data_rejection`` waives a negative coverage case as
    "valid after serialization" as soon as *another*, valid query parameter was sent beside
    the negated one (``?total=0&seats=1001``), so an accepted out-of-range value went
    unreported unless Hypothesis happened to hit it. Judged here from the text on the wire.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    data = meta.phase.data
    name = getattr(data, "parameter", None)
    if getattr(data, "parameter_location", None) != ParameterLocation.QUERY or not name:
        return False
    parameter = case.operation.query.get(name)
    sent = [value for key, value in exchange.request.query if key == name]
    if parameter is None or len(sent) != 1:
        return False  # repeated keys: a framework may read any one of them
    try:
        validator = parameter_validator(parameter)
    except Exception:
        return False
    types = parameter_types(parameter.validation_schema)
    return not sent_text_is_valid(sent[0], validator.is_valid, types)


def query_list_valid(case: Any, request: Request, name: str) -> bool:
    """Whether a query array was sent valid as FastAPI reads it (see :func:`read_as_list`)."""
    parameter = case.operation.query.get(name)
    if parameter is None or "array" not in parameter_types(parameter.validation_schema):
        return False
    try:
        is_valid = parameter_validator(parameter).is_valid
    except Exception:
        return False
    return read_as_list([value for key, value in request.query if key == name], is_valid)
