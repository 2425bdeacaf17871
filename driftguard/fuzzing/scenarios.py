"""Targeted probes that random generation would find only by luck.

After the generated requests, three short scenarios reuse requests the target accepted:

* authentication: a valid request sent with no credentials and with fake ones must be refused;
* repeats: the same valid create request sent again, one after the other, must not crash
  the service (an unhandled unique constraint is ``duplicate-create-server-error``);
* concurrency: when sequential repeats pass, the same request sent N times at once must not
  crash the service or hand out one id twice (only then is a failure a race);
* deletion: a resource created, then deleted, must no longer be served.

Each returns :class:`~driftguard.fuzzing.evidence.Evidence`; the collector turns it into findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from driftguard._http import PATH_PARAMETER
from driftguard.fuzzing.auth import Slot, with_credentials
from driftguard.fuzzing.causes import exception_cause, unenforced_auth
from driftguard.fuzzing.evidence import Cause, Evidence
from driftguard.fuzzing.transport import Exchange, Request, Sender

__all__ = [
    "creates",
    "delete_chains",
    "probe_auth",
    "probe_concurrency",
    "probe_delete",
    "probe_repeat",
    "resource_id",
]


def probe_auth(sender: Sender, request: Request, slots: list[Slot]) -> list[Evidence]:
    """``auth-not-enforced`` when ``request`` succeeds without or with fake credentials."""
    found = []
    for fake, what in ((False, "without credentials"), (True, "with invalid credentials")):
        exchange = sender.send(with_credentials(request, slots, fake=fake))
        if exchange.succeeded:
            cause = unenforced_auth(what, exchange.status, slots)
            found.append(Evidence(cause, exchange, origin="probe"))
    return found


# Sequential sends of an accepted create before it is raced: the first may be the one that
# stores the row, the second then meets it.
REPEATS = 2


def probe_repeat(sender: Sender, request: Request) -> list[Evidence]:
    """``duplicate-create-server-error`` when the same create, sent again, crashes."""
    for _ in range(REPEATS):
        exchange = sender.send(request)
        if _crashed(exchange):
            cause = Cause(
                "duplicate-create-server-error",
                "repeated create",
                {"cause": _crash_cause(exchange), "status": exchange.status},
            )
            return [Evidence(cause, exchange, origin="probe")]
    return []


def _crashed(exchange: Exchange) -> bool:
    return exchange.error is not None or exchange.status >= 500


def _crash_cause(exchange: Exchange) -> str:
    if exchange.error is not None:
        return str(exception_cause(exchange.error).details["cause"])
    return f"a server error ({exchange.status})"


def probe_concurrency(sender: Sender, request: Request, concurrency: int) -> list[Evidence]:
    """``concurrency-conflict`` when simultaneous identical creates crash or share an id.

    Callers race only requests whose sequential repeats pass (:func:`probe_repeat`): a
    create that fails whenever it is repeated is no race.
    """
    if concurrency < 2:
        return []
    exchanges = sender.send_all([request] * concurrency)
    found = []
    crashed = next((e for e in exchanges if _crashed(e)), None)
    if crashed is not None:
        cause = Cause(
            "concurrency-conflict",
            "server error",
            {"cause": _crash_cause(crashed), "concurrency": concurrency, "status": crashed.status},
        )
        found.append(Evidence(cause, crashed, origin="probe"))
    seen: dict[str, Exchange] = {}
    chosen = _sent_values(request)
    for exchange in exchanges:
        if not exchange.succeeded:
            continue
        identifier = resource_id(exchange.json())
        if identifier is None or identifier in chosen:
            continue  # an id the client chose (a name in the body) is the same resource
        if identifier in seen:
            cause = Cause(
                "concurrency-conflict",
                "duplicate id",
                {
                    "cause": f"two created resources share the id {identifier}",
                    "concurrency": concurrency,
                    "id": identifier,
                },
            )
            found.append(Evidence(cause, exchange, origin="probe"))
            break
        seen[identifier] = exchange
    return found


def _sent_values(request: Request) -> set[str]:
    """The strings of a request's JSON body: a name the client chose may be the id of what
    it creates (numbers are left out: a quantity of 3 is no id 3)."""
    try:
        body = json.loads(request.body) if request.body else None
    except ValueError:
        return set()
    values: set[str] = set()
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            values.add(value)
    return values


def resource_id(body: Any, name: str | None = None) -> str | None:
    """The id of a created resource in its JSON body: ``name`` if given, else ``id``, else the
    only ``*_id``/``*Id`` field."""
    if not isinstance(body, Mapping):
        return None
    candidates = [name] if name else []
    candidates.append("id")
    for key in candidates:
        value = body.get(key) if key else None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    ids = [
        value
        for key, value in body.items()
        if isinstance(key, str)
        and key.endswith(("_id", "Id"))
        and isinstance(value, str | int)
        and not isinstance(value, bool)
    ]
    return str(ids[0]) if len(ids) == 1 else None


def probe_delete(
    sender: Sender,
    create: Request,
    *,
    template: str,
    base_url: str,
    extra_headers: Sequence[tuple[str, str]],
) -> list[Evidence]:
    """``resource-available-after-delete``: create, DELETE ``template``, then GET it.

    The evidence belongs to the GET operation.
    """
    names = PATH_PARAMETER.findall(template)
    if len(names) != 1:
        return []
    created = sender.send(create)
    if not created.succeeded:
        return []
    identifier = resource_id(created.json(), names[0])
    if identifier is None:
        return []
    url = _join(base_url, PATH_PARAMETER.sub(quote(identifier, safe=""), template))
    deleted = sender.send(Request("DELETE", url, tuple(extra_headers)))
    if not deleted.succeeded:
        return []
    fetched = sender.send(Request("GET", url, tuple(extra_headers)))
    if not fetched.succeeded:
        return []
    cause = Cause(
        "resource-available-after-delete",
        f"after DELETE {template}",
        {
            "cause": f"GET answered {fetched.status} after DELETE answered {deleted.status}",
            "status": fetched.status,
            "id": identifier,
        },
    )
    return [Evidence(cause, fetched, origin="probe", before=(created, deleted))]


def _join(base_url: str, path: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + path, query="", fragment=""))


def creates(spec: Mapping[str, Any], label: str) -> bool:
    """A POST documented to answer 201, or named as a create: worth racing."""
    method, _, path = label.partition(" ")
    if method != "POST":
        return False
    operation = spec.get("paths", {}).get(path, {}).get("post", {})
    responses = operation.get("responses") or {}
    name = f"{operation.get('operationId', '')} {operation.get('summary', '')}".lower()
    return "201" in responses or name.strip().startswith("create")


def delete_chains(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(create, delete, get, item path) for every ``POST /x`` with ``DELETE``/``GET /x/{id}``."""
    paths = spec.get("paths") or {}
    for path, item in paths.items():
        if not isinstance(item, Mapping) or "delete" not in item or "get" not in item:
            continue
        if not path.rstrip("/").endswith("}"):
            continue
        parent = path.rstrip("/").rsplit("/", 1)[0]
        for collection in (parent, parent + "/"):
            if isinstance(paths.get(collection), Mapping) and "post" in paths[collection]:
                yield f"POST {collection}", f"DELETE {path}", f"GET {path}", path
                break
