"""Does a replayed answer still show a fuzz finding? One judge per finding id.

The fuzz run judges an answer through schemathesis' checks on a generated case; a replay
has only the recorded request and the answer, so each rule is judged again from those and
the document TARGET serves now (a fix may be documenting a status as much as changing code).
``resource-available-after-delete`` has no judge: its request means something only after
the create and delete before it, which the report does not hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from driftguard.findings import Finding
from driftguard.fuzzing.causes import invalid_headers
from driftguard.fuzzing.transport import Exchange

__all__ = ["JUDGES", "NEEDS_SPEC", "Judge"]

# 4xx answers that are not a refusal of valid data (README: rejected-valid-input)
_NOT_REJECTIONS = frozenset({401, 403, 404, 409, 429})

Judge = Callable[[Finding, list[Exchange], Mapping[str, Any]], bool]


def _server_error(_: Finding, exchanges: list[Exchange], __: Mapping[str, Any]) -> bool:
    # an exception escaping the app, no answer at all, a 5xx, or an answer that is not
    # valid HTTP (a server drops it)
    return any(e.error is not None or e.status >= 500 or invalid_headers(e) for e in exchanges)


def _accepted(_: Finding, exchanges: list[Exchange], __: Mapping[str, Any]) -> bool:
    return exchanges[-1].succeeded


def _rejected(_: Finding, exchanges: list[Exchange], __: Mapping[str, Any]) -> bool:
    status = exchanges[-1].status
    return 400 <= status < 500 and status not in _NOT_REJECTIONS


def _race(finding: Finding, exchanges: list[Exchange], spec: Mapping[str, Any]) -> bool:
    """A 5xx among the simultaneous creates, or two of them answered with one id."""
    if _server_error(finding, exchanges, spec):
        return True
    bodies = [e.json() for e in exchanges if e.succeeded]
    ids = [repr(b["id"]) for b in bodies if isinstance(b, dict) and b.get("id") is not None]
    return len(ids) != len(set(ids))


def _documented(finding: Finding, exchange: Exchange, spec: Mapping[str, Any]) -> Any:
    """The response object the document gives the answer's status, or None."""
    method, _, path = (finding.operation or "").partition(" ")
    operation = (spec.get("paths") or {}).get(path, {}).get(method.lower(), {})
    responses = operation.get("responses") or {}
    status = str(exchange.status)
    for key in (status, f"{status[0]}XX", f"{status[0]}xx", "default"):
        if key in responses:
            return responses[key]
    return None


def _undocumented_status(finding: Finding, exchanges: list[Exchange], spec: Any) -> bool:
    exchange = exchanges[-1]
    return exchange.error is None and _documented(finding, exchange, spec) is None


def _media_type(exchange: Exchange) -> str:
    return (exchange.content_type or "").split(";")[0].strip().lower()


def _undocumented_content_type(finding: Finding, exchanges: list[Exchange], spec: Any) -> bool:
    exchange = exchanges[-1]
    response = _documented(finding, exchange, spec)
    if exchange.error is not None or not isinstance(response, Mapping):
        return False
    documented = [str(name).lower() for name in response.get("content") or {}]
    if not documented:
        return False
    got = _media_type(exchange)
    top = got.split("/")[0]
    return not any(name in (got, f"{top}/*", "*/*") for name in documented)


def _violates_schema(finding: Finding, exchanges: list[Exchange], spec: Any) -> bool:
    import jsonschema_rs

    exchange = exchanges[-1]
    response = _documented(finding, exchange, spec)
    if exchange.error is not None or not isinstance(response, Mapping):
        return False
    content = response.get("content") or {}
    media = content.get(_media_type(exchange)) or content.get("application/json")
    schema = media.get("schema") if isinstance(media, Mapping) else None
    if not isinstance(schema, Mapping):
        return False
    try:
        body = json.loads(exchange.content)
    except ValueError:
        return True  # the document promises JSON
    # the document's components beside the schema, so that its "#/components/..." resolve
    rooted = {**schema, "components": spec.get("components") or {}}
    try:
        return not jsonschema_rs.validator_for(rooted).is_valid(body)
    except Exception:  # a schema the validator cannot read: nothing to judge with
        return False


JUDGES: dict[str, Judge] = {
    "server-error": _server_error,
    "accepted-invalid-input": _accepted,
    "missing-required-header-accepted": _accepted,
    "auth-not-enforced": _accepted,
    "rejected-valid-input": _rejected,
    "concurrency-conflict": _race,
    "undocumented-status-code": _undocumented_status,
    "undocumented-content-type": _undocumented_content_type,
    "response-schema-violation": _violates_schema,
}
# judged against the document TARGET serves now
NEEDS_SPEC = frozenset(
    {"undocumented-status-code", "undocumented-content-type", "response-schema-violation"}
)
