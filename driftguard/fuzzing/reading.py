"""Requests judged the way FastAPI and Starlette read them, not only as OpenAPI writes them.

A query array is every ``tags=`` key, one item each (``tags=0`` is ``[0]``); an array header
is repeated headers, never the ``simple`` style's ``1,2``; schemathesis' own reading of a
query value beside others misses some. The judge (:mod:`driftguard.fuzzing.judge`) asks here
before it calls a request valid or invalid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import unquote

from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.utils import parameter_types

from driftguard.fuzzing._compat import parameter_validator
from driftguard.fuzzing.causes import detail_of
from driftguard.fuzzing.transport import Exchange, Request

__all__ = [
    "query_list_valid",
    "read_as_list",
    "read_number",
    "sent_query_value_is_invalid",
    "sent_value_is_valid",
    "split_header_list",
    "wire_text_is_valid",
]

# A number as JSON writes it: what a parameter declared integer or number is read from. Python's
# own parsing also takes `1_0`, ` 5`, `nan` and non-ASCII digits, which servers do not.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")


def read_as_list(values: Sequence[str], is_valid: Callable[[Any], bool]) -> bool:
    """Whether a query array's sent values are valid read the way FastAPI reads them.

    FastAPI reads ``list[int]`` from every ``tags=`` key, each text one item (``tags=0`` is
    ``[0]``), whatever style the document names. ``is_valid`` checks the parameter's schema.
    """
    if not values:
        return False
    parsed = []
    for text in values:
        number = read_number(text)
        parsed.append(text if number is None else number)
    return is_valid(parsed) or is_valid(list(values))


def read_number(text: str) -> int | float | None:
    """The number a text on the wire is, read as JSON writes numbers; None for any other
    text, and for one too large to be finite (``1e400``), which no JSON Schema number is."""
    if not _JSON_NUMBER.fullmatch(text):
        return None
    if not any(c in text for c in ".eE"):
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def wire_text_is_valid(text: str, is_valid: Callable[[Any], bool], types: Sequence[str]) -> bool:
    """Whether a parameter's text on the wire is a value its schema allows, read as its types.

    ``0.0`` sent for an integer is the number 0.0, which JSON Schema counts an integer (from
    draft 6 on; the parameter's own validator decides); ``true`` is a boolean. This is the
    one reading of a sent parameter, whatever schemathesis release generated it.
    """
    if is_valid(text):
        return True
    number = read_number(text) if "integer" in types or "number" in types else None
    if number is not None:
        return is_valid(number)
    if "boolean" in types and text in ("true", "false"):
        return is_valid(text == "true")
    return False


def sent_texts(case: Any, request: Request, location: ParameterLocation, name: str) -> list[str]:
    """The texts a request carried for one parameter: every query key of that name, the
    header, the cookie, or the path segment its template names (percent-decoded)."""
    if location == ParameterLocation.QUERY:
        return [value for key, value in request.query if key == name]
    if location == ParameterLocation.HEADER:
        value = request.header(name)
        return [] if value is None else [value]
    if location == ParameterLocation.COOKIE:
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(request.header("cookie") or "")
        except CookieError:
            return []
        return [cookies[name].value] if name in cookies else []
    if location == ParameterLocation.PATH:
        template = case.operation.path
        parts = _TEMPLATE_NAME.split(template)
        if name not in parts[1::2]:
            return []
        pattern = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<p{index}>[^/]*)"
            for index, part in enumerate(parts)
        )
        match = re.search(pattern + "$", request.path)
        if match is None:
            return []
        group = f"p{parts.index(name, 1)}"
        return [unquote(match.group(group))]
    return []


def sent_value_is_valid(
    case: Any, request: Request, location: ParameterLocation, name: str
) -> bool:
    """Whether a parameter a negative case negated reached the wire valid after all.

    A negation that does not survive serialization is no invalid input: the array ``[0.0]``
    sent for an integer ``limit`` is ``?limit=0.0``, the number zero (schemathesis 4.30 sends
    such cases as negative; later releases drop them). Only a parameter sent once is read;
    arrays are read as FastAPI reads them (:func:`query_list_valid`).
    """
    read = _sent_once(case, request, location, name)
    if read is None or "array" in read[2] or "object" in read[2]:
        return False
    return wire_text_is_valid(*read)


def _sent_once(
    case: Any, request: Request, location: ParameterLocation, name: str
) -> tuple[str, Callable[[Any], bool], list[str]] | None:
    """A declared parameter sent exactly once: its text, its schema's check, its types.
    None for one sent repeatedly (a framework may read any of them) or not at all."""
    parameter = case.operation.get_parameter_set(location).get(name) if name != "*" else None
    sent = sent_texts(case, request, location, name)
    if parameter is None or len(sent) != 1:
        return None
    try:
        is_valid = parameter_validator(parameter).is_valid
    except Exception:  # a schema the validator cannot read
        return None
    return sent[0], is_valid, parameter_types(parameter.validation_schema)


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
    read = _sent_once(case, exchange.request, ParameterLocation.QUERY, name)
    return read is not None and not wire_text_is_valid(*read)


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
