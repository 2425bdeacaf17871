"""Replaying probes: each request sent once, in order, and its answer kept as a record.

One client serves a whole run: in-process for an app (its lifespan run around every probe),
over HTTP for a URL, with the configured headers on every request and each probe's own
headers (``${ENV}`` expanded only now, so that the value never reaches a snapshot) on its.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from driftguard._config import merge_headers
from driftguard._errors import one_line
from driftguard._http import is_json_media_type, media_type_of
from driftguard._raised import raised_at
from driftguard.shapes import PathMatcher
from driftguard.snapshots.chaining import Captured
from driftguard.snapshots.probes import Probe
from driftguard.snapshots.record import ResponseRecord
from driftguard.targets import Target, open_client

__all__ = ["IDEMPOTENT", "Progress", "run_probes"]

# Methods whose request may be sent twice with the effect of once (RFC 9110 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

Progress = Callable[[int, int, Probe], None]
"""Told ``(index, total, probe)`` before each probe is sent."""


def run_probes(
    target: Target,
    probes: Sequence[Probe],
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    ignore: Sequence[str] = (),
    app: Any = None,
    progress: Progress | None = None,
) -> dict[str, ResponseRecord]:
    """Send every probe (already in dependency order) once; their records, by name.

    ``target`` is a live :class:`driftguard.targets.Target` (an app or a URL); ``headers``
    go with every probe as they are (``Config.request_headers`` expanded them). An exception
    escaping an in-process app is recorded as the 500 a server would have answered, and a
    request that got no answer (after one retry on a fresh connection, for an idempotent
    one) as status 0 with its error, so a crash is reported as drift rather than stopping
    the run. ``timeout`` bounds each request as a whole.
    """
    matcher = PathMatcher(ignore)
    common = dict(headers or {})

    captured = Captured(probes)

    async def run_all() -> dict[str, ResponseRecord]:
        records: dict[str, ResponseRecord] = {}
        async with open_client(target, timeout=timeout, headers=common, app=app) as client:
            # One after another, in order: a probe may need what an earlier one captured
            # or created, and the records must not depend on scheduling.
            for index, probe in enumerate(probes, 1):
                if progress is not None:
                    progress(index, len(probes), probe)
                missing = captured.missing(probe)
                if missing is not None:
                    records[probe.name] = ResponseRecord.no_answer(probe.request_record(), missing)
                    captured.take(probe, None, _NO_BODY, has_body=False)
                    continue
                record, body = await _send(client, target, probe, timeout, matcher, captured)
                if probe.capture:
                    captured.take(probe, record.status, body, has_body=body is not _NO_BODY)
                records[probe.name] = captured.scrub(record)
        return records

    return asyncio.run(run_all())


_NO_BODY: Any = object()


async def _send(
    client: httpx.AsyncClient,
    target: Target,
    probe: Probe,
    timeout: float,
    ignore: PathMatcher,
    captured: Captured,
) -> tuple[ResponseRecord, Any]:
    """The probe's record, and its parsed JSON body for captures (``_NO_BODY`` if none)."""
    request = probe.request_record()  # the templates: never a captured value
    # ${ENV} first, then the captures: a value the target sent back is never expanded.
    expanded = merge_headers((f"probe {probe.name}: header", probe.headers)).values
    filled = captured.fill(probe, headers=expanded)
    if any("\n" in value or "\r" in value for value in filled["headers"].values()):
        return ResponseRecord.no_answer(
            request, "not sent: a captured header value spans lines"
        ), _NO_BODY
    kwargs: dict[str, Any] = {"params": filled["params"] or None, "headers": filled["headers"]}
    if probe.json is not None:
        kwargs["json"] = filled["json"]
    if probe.data is not None:
        kwargs["data"] = filled["data"]
    outgoing = client.build_request(probe.method, filled["path"], **kwargs)
    if (outgoing.url.scheme, outgoing.url.host, outgoing.url.port) != (
        client.base_url.scheme,
        client.base_url.host,
        client.base_url.port,
    ):
        refused = f"refused: {outgoing.url} is not on the target"
        return ResponseRecord.no_answer(request, refused), _NO_BODY
    attempts = 2 if probe.method.upper() in IDEMPOTENT else 1
    for attempt in range(1, attempts + 1):
        try:
            # The timeout bounds the whole request: httpx's own bounds each read only.
            async with asyncio.timeout(timeout):
                response = await client.send(outgoing)
        except (TimeoutError, httpx.TimeoutException):
            return ResponseRecord.no_answer(request, f"no answer within {timeout:g}s"), _NO_BODY
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            if target.kind == "app":
                raise
            if attempt < attempts:
                # A server may close a kept-alive connection after answering (uvicorn does
                # after an app crash): like curl, send once more on a fresh connection.
                continue
            failed = f"the connection failed: {one_line(exc)}"
            return ResponseRecord.no_answer(request, failed), _NO_BODY
        except httpx.HTTPError as exc:
            unreachable = f"cannot reach the service: {one_line(exc)}"
            return ResponseRecord.no_answer(request, unreachable), _NO_BODY
        except Exception as exc:
            if target.kind != "app":
                raise
            # What a server's log would say: the exception, and where the app raised it.
            extra = {"exception": one_line(exc)}
            where = raised_at(exc)
            if where is not None:
                extra["raised"] = where
            return ResponseRecord(500, "text/plain", None, request, extra=extra), _NO_BODY
        record = ResponseRecord.from_response(
            response, request=request, ignore=ignore, values=probe.values
        )
        return record, _body(response) if probe.capture else _NO_BODY
    raise AssertionError("unreachable")  # pragma: no cover


def _body(response: httpx.Response) -> Any:
    if not response.content or not is_json_media_type(
        media_type_of(response.headers.get("content-type"))
    ):
        return _NO_BODY
    try:
        return json.loads(response.content)
    except ValueError:
        return _NO_BODY
