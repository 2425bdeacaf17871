"""Replaying probes: each request sent once, in order, and its answer kept as a record.

One client serves a whole run: in-process for an app (its lifespan run around every probe),
over HTTP for a URL, with the configured headers on every request and each probe's own
headers (``${ENV}`` expanded only now, so that the value never reaches a snapshot) on its.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from driftguard._config import merge_headers
from driftguard._errors import one_line
from driftguard.shapes import PathMatcher
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

    async def run_all() -> dict[str, ResponseRecord]:
        records: dict[str, ResponseRecord] = {}
        async with open_client(target, timeout=timeout, headers=common, app=app) as client:
            for index, probe in enumerate(probes, 1):
                if progress is not None:
                    progress(index, len(probes), probe)
                records[probe.name] = await _send(client, target, probe, timeout, matcher)
        return records

    return asyncio.run(run_all())


async def _send(
    client: httpx.AsyncClient, target: Target, probe: Probe, timeout: float, ignore: PathMatcher
) -> ResponseRecord:
    headers = merge_headers((f"probe {probe.name}: header", probe.headers)).values
    kwargs: dict[str, Any] = {"params": dict(probe.params) or None, "headers": headers}
    if probe.json is not None:
        kwargs["json"] = probe.json
    if probe.data is not None:
        kwargs["data"] = dict(probe.data)
    request = probe.request_record()
    outgoing = client.build_request(probe.method, probe.path, **kwargs)
    if (outgoing.url.scheme, outgoing.url.host, outgoing.url.port) != (
        client.base_url.scheme,
        client.base_url.host,
        client.base_url.port,
    ):
        return ResponseRecord.no_answer(request, f"refused: {outgoing.url} is not on the target")
    attempts = 2 if probe.method.upper() in IDEMPOTENT else 1
    for attempt in range(1, attempts + 1):
        try:
            # The timeout bounds the whole request: httpx's own bounds each read only.
            async with asyncio.timeout(timeout):
                response = await client.send(outgoing)
        except (TimeoutError, httpx.TimeoutException):
            return ResponseRecord.no_answer(request, f"no answer within {timeout:g}s")
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            if target.kind == "app":
                raise
            if attempt < attempts:
                # A server may close a kept-alive connection after answering (uvicorn does
                # after an app crash): like curl, send once more on a fresh connection.
                continue
            return ResponseRecord.no_answer(request, f"the connection failed: {one_line(exc)}")
        except httpx.HTTPError as exc:
            return ResponseRecord.no_answer(request, f"cannot reach the service: {one_line(exc)}")
        except Exception as exc:
            if target.kind != "app":
                raise
            return ResponseRecord(
                500, "text/plain", None, request, extra={"exception": one_line(exc)}
            )
        return ResponseRecord.from_response(
            response, request=request, ignore=ignore, values=probe.values
        )
    raise AssertionError("unreachable")  # pragma: no cover
