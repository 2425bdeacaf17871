"""Causes read off an answer, for the parts that need no schemathesis object.

Each function turns what was sent and what came back into a
:class:`~driftguard.fuzzing.evidence.Cause` whose location names the field, status or exception
at fault, never the generated value, so that fingerprints hold across seeds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from driftguard._http import HEADER_NAME, header_value_problem
from driftguard._raised import app_frame, clip
from driftguard.fuzzing.auth import Slot
from driftguard.fuzzing.evidence import Cause
from driftguard.fuzzing.schema import field_pointer
from driftguard.fuzzing.transport import Exchange, NoAnswer, Request

__all__ = [
    "business_rejection",
    "clip",
    "detail_of",
    "error_pointer",
    "exception_cause",
    "framework_answer",
    "integral_floats_as_ints",
    "invalid_headers",
    "is_documented",
    "json_leaves",
    "lone_surrogate",
    "missing_header",
    "page_size_exceeded",
    "rejected_valid",
    "schema_violation",
    "status_cause",
    "undocumented_status",
    "unenforced_auth",
    "unique",
    "zero_fields",
]

# FastAPI/Starlette's own answer to a body that is not JSON: every app gives it.
_FRAMEWORK_400 = {"detail": "There was an error parsing the body"}
# The statuses a handler's own rule refuses a well-formed request with (wrong password,
# e-mail taken, bad reset token); the request validator answers 422 with a list instead.
_BUSINESS_STATUSES = frozenset({400, 401, 403, 409})


def unique(causes: list[Cause]) -> list[Cause]:
    seen: dict[tuple[str, str], Cause] = {}
    for cause in causes:
        seen.setdefault(cause.key, cause)
    return list(seen.values())


def status_cause(status: int, request: Request | None = None) -> Cause:
    """A 5xx, told apart by the zero or empty fields of its request.

    Over HTTP there is no traceback: two crashes of one operation differ only in what
    triggers them (``left`` 0 divides by zero, ``right`` 0 misses a key), and Hypothesis
    shrinks what does not matter to other values, so those fields name the crash.
    ``details.trigger`` lists them; a 5xx whose trigger holds another's is that one.
    """
    if request is not None and lone_surrogate(request):
        # The one crash of every handler that echoes text (and of FastAPI's 422 handler),
        # whatever else the request held: one cause, not one per zero field.
        where = " with a lone surrogate"
        cause = f"answered {status}{where}: a JSON renderer that cannot encode it"
        return Cause(
            "server-error", f"response {status}{where}", {"cause": cause, "status": status}
        )
    trigger = zero_fields(request) if request is not None else []
    where = f" with zero or empty {', '.join(trigger)}" if trigger else ""
    details = {"cause": f"answered {status}{where}", "status": status, "trigger": trigger}
    return Cause("server-error", f"response {status}{where}", details)


_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")  # UTF-8's shape of a surrogate


def lone_surrogate(request: Request) -> bool:
    """Whether ``request`` carries a lone surrogate: escaped in a JSON body (``"\\ud800"``,
    which a JSON parser reads as one), or as its UTF-8 shape in the query (``%ED%A0%80``)."""
    query = urlsplit(request.url).query
    if query and _SURROGATE_BYTES.search(unquote_to_bytes(query)):
        return True
    if b"\\ud" not in request.body.lower():
        return False
    try:
        body = json.loads(request.body)
    except ValueError:
        return False
    return any(_has_surrogate(text) for text in _texts(body))


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def zero_fields(request: Request) -> list[str]:
    """The query parameters and JSON body fields of ``request`` that hold 0, "", false,
    null or an empty list or object, in the order sent."""
    fields = [f"query {name}" for name, value in request.query if value in _ZERO_TEXTS]
    try:
        body = json.loads(request.body) if request.body else None
    except ValueError:
        return fields
    if isinstance(body, dict | list):
        fields.extend(f"body {pointer}" for pointer in _zero_leaves(body, ""))
    return fields


_ZERO_TEXTS = frozenset({"", "0", "0.0", "false", "null"})


def _zero_leaves(value: Any, pointer: str) -> Iterator[str]:
    for where, leaf in json_leaves(value, pointer):
        if leaf in (0, "", None, [], {}) and where:  # False == 0
            yield where


def json_leaves(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(pointer, value) of every leaf of a JSON value, array items at ``/*``; an empty array
    or object is a leaf."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from json_leaves(item, f"{pointer}/{key}")
    elif isinstance(value, list) and value:
        for item in value:
            yield from json_leaves(item, f"{pointer}/*")
    else:
        yield pointer, value


def exception_cause(error: BaseException) -> Cause:
    """A server error from an exception that escaped the app (or from no answer at all).

    The location names the exception type and the function of the app that raised it, not
    the line: an edit elsewhere in the file must not change the finding's fingerprint.
    """
    if isinstance(error, NoAnswer):
        return Cause("server-error", error.where, {"cause": str(error)})
    kind = type(error).__qualname__
    module = type(error).__module__
    name = kind if module in ("builtins", "__main__") else f"{module}.{kind}"
    message = clip(str(error), 300)
    frame = app_frame(error)
    where = f" in {frame.name}" if frame is not None else ""
    cause = f"{kind}: {message}" if message else kind
    details: dict[str, Any] = {
        "cause": f"{cause} (raised{where or ' by the app'})",
        "exception": {
            "type": name,
            "message": message,
            "where": f"{frame.filename}:{frame.lineno} in {frame.name}" if frame else None,
        },
    }
    return Cause("server-error", f"exception {kind}{where}", details)


# What a real server does with a response header that is not valid HTTP.
_DROPPED = "uvicorn (h11) closes the connection without a response"


def invalid_headers(exchange: Exchange) -> list[Cause]:
    """``server-error`` for each response header that is not valid HTTP.

    In-process, httpx's ASGITransport hands any header over as it is; served, uvicorn
    refuses to write it and drops the connection, so a client gets no answer at all: a
    server error, found here without a server. A name must be an RFC 9110 token (no space,
    colon or other separator); a value may not hold CR, LF, NUL or another control character.
    """
    causes = []
    status = exchange.status
    for name, values in exchange.headers.items():
        if not HEADER_NAME.match(name):
            cause = f"response header name {name!r} is not valid HTTP (not an RFC 9110 token)"
            details = {"cause": f"{cause}: {_DROPPED}", "header": name, "status": status}
            causes.append(Cause("server-error", f"response header {name!r}", details))
            continue
        for value in values:
            problem = header_value_problem(value)
            if problem is not None:
                cause = f"response header {name} has {problem} in its value"
                details = {"cause": f"{cause}: {_DROPPED}", "header": name, "status": status}
                causes.append(Cause("server-error", f"response header {name} (value)", details))
                break
    return causes


def undocumented_status(status: int, documented: Sequence[str]) -> Cause:
    """``undocumented-status-code``: the same cause for a generated request and a probe's."""
    return Cause(
        "undocumented-status-code",
        f"response {status}",
        {"status": status, "documented": ", ".join(documented)},
    )


def is_documented(status: int, documented: Sequence[str]) -> bool:
    """Whether ``status`` is among an operation's response keys (``200``, ``4XX``, ``default``)."""
    text = str(status)
    return any(
        key == "default"
        or key == text
        or (len(key) == 3 and key[0] == text[0] and key[1:] in ("XX", "xx"))
        for key in documented
    )


# Query parameters that size a page, spelled without "_" or "-" and lower-cased.
_PAGE_SIZES = frozenset(
    {"limit", "pagesize", "perpage", "pagelimit", "maxresults", "take", "top", "first"}
)


def page_size_exceeded(exchange: Exchange, maxima: Mapping[str, int | float]) -> list[Cause]:
    """``page-size-exceeded``: a 2xx whose array is longer than a page-size parameter's
    documented maximum (``maxima``: the query parameters' maxima by name).

    Only parameters named like a page size count, and only the answer's top-level array or
    its top-level properties' arrays (``{"items": [...]}``): a maximum on anything else says
    nothing about how long an answer may be.
    """
    if not exchange.succeeded or not maxima:
        return []
    body = exchange.json()
    arrays = [body] if isinstance(body, list) else []
    if isinstance(body, Mapping):
        arrays = [value for value in body.values() if isinstance(value, list)]
    longest = max((len(array) for array in arrays), default=0)
    sent = dict(exchange.request.query)
    causes = []
    for name, maximum in maxima.items():
        if name.replace("_", "").replace("-", "").lower() not in _PAGE_SIZES:
            continue
        if name in sent and longest > maximum:
            cause = f"{longest} items to {name}={sent[name]}, documented maximum {maximum}"
            details = {"cause": cause, "parameter": name, "sent": sent[name], "count": longest}
            details["maximum"] = maximum
            location = f"response {exchange.status} longer than query {name}'s maximum"
            causes.append(Cause("page-size-exceeded", location, details))
    return causes


def missing_header(name: str, status: int) -> Cause:
    return Cause(
        "missing-required-header-accepted",
        f"request header {name}",
        {"header": name, "status": status},
    )


def unenforced_auth(what: str, status: int, slots: Sequence[Slot]) -> Cause:
    """``auth-not-enforced`` at ``what`` (``without credentials``...): generated requests and
    the auth probe both find it, and must agree on the location to make one finding."""
    credentials = ", ".join(str(slot) for slot in slots)
    return Cause(
        "auth-not-enforced", what, {"status": status, "cause": what, "credentials": credentials}
    )


def detail_of(exchange: Exchange) -> Any:
    """The ``detail`` of a FastAPI error body: a list from the validator, a string from a
    handler's ``HTTPException``; ``None`` for any other body."""
    body = exchange.json()
    return body.get("detail") if isinstance(body, Mapping) else None


def business_rejection(exchange: Exchange) -> bool:
    """A handler's own refusal: FastAPI's ``HTTPException`` shape, ``{"detail": "<text>"}``.

    Not ``rejected-valid-input``: the request conformed, and the app judged it on rules a
    schema cannot state. The framework's "error parsing the body" answer is not one.
    """
    if exchange.status not in _BUSINESS_STATUSES:
        return False
    return isinstance(detail_of(exchange), str) and exchange.json() != _FRAMEWORK_400


def rejected_valid(exchange: Exchange) -> Cause:
    """``rejected-valid-input``, located at the field FastAPI's 422 detail names, if any."""
    status = exchange.status
    where = None
    message = ""
    detail = detail_of(exchange)
    if isinstance(detail, list) and detail and isinstance(detail[0], Mapping):
        loc = detail[0].get("loc")
        if isinstance(loc, list) and loc:
            place, *rest = (str(part) for part in loc)
            rest = ["*" if part.isdigit() else part for part in rest]
            if place == "body":
                where = f"request body /{'/'.join(rest)}"
            else:
                where = f"request {place} {'.'.join(rest)}"
        message = str(detail[0].get("msg", ""))
    elif isinstance(detail, str):
        message = detail
    cause = f"{where.removeprefix('request ')}: {message}" if where else message or "rejected"
    return Cause(
        "rejected-valid-input",
        where or f"response {status}",
        {"status": status, "cause": clip(cause)},
    )


def schema_violation(
    status: int,
    *,
    instance_path: Sequence[str | int],
    schema_path: Sequence[str | int],
    schema: Any,
    instance: Any,
    message: str,
) -> Cause:
    """``response-schema-violation`` at the failing field and keyword (array items as ``*``)."""
    path = ["*" if isinstance(step, int) else str(step) for step in instance_path]
    keyword = str(schema_path[-1]) if schema_path else "schema"
    if keyword == "required" and isinstance(schema, Mapping) and isinstance(instance, Mapping):
        missing = [name for name in schema.get("required") or [] if name not in instance]
        if missing:
            path.append(str(missing[0]))
    pointer = "/" + "/".join(path)
    return Cause(
        "response-schema-violation",
        f"response {status} {pointer} ({keyword})",
        {"status": status, "cause": f"{pointer}: {clip(message)}", "keyword": keyword},
    )


def error_pointer(error: Any, schema: Any) -> str:
    """Where a jsonschema_rs validation error is, as a field pointer of the body."""
    path = list(error.instance_path)
    kind = error.kind.name
    if kind == "required":
        name = getattr(error.kind, "property", None)
        path.append(str(name) if name is not None else "*")
    elif kind == "additionalProperties":
        path.append("*")
    return field_pointer(path, schema, schema)


def framework_answer(exchange: Exchange, *, route: str, base_path: str) -> bool:
    """An answer the web framework gives for every app, not one the app chose.

    FastAPI answers 400 to a body that is not JSON; Starlette's router answers 404 (or
    redirects) when a generated path parameter holds ``/`` or is empty and the URL no longer
    matches the route.
    """
    status = exchange.status
    if status == 400 and exchange.json() == _FRAMEWORK_400:
        return True
    if status not in (404, 405, 307, 308):
        return False
    return not _path_matches_route(exchange.request.path, route=route, base_path=base_path)


def _path_matches_route(sent_path: str, *, route: str, base_path: str) -> bool:
    """Whether the URL sent still has the route's shape: as many segments, none empty."""
    path = unquote(sent_path)
    base = base_path.rstrip("/")
    if base and path.startswith(base):
        path = path[len(base) :]
    if route.endswith("/") != path.endswith("/"):
        return False
    template, sent = route.strip("/").split("/"), path.strip("/").split("/")
    if template == [""]:
        return sent == [""]
    return len(sent) == len(template) and all(sent)


def integral_floats_as_ints(value: Any) -> Any:
    """5.0 is an integer to JSON Schema and a float to most servers: send valid data as 5."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list):
        return [integral_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: integral_floats_as_ints(item) for key, item in value.items()}
    return value
