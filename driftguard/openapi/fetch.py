"""Documents and references over HTTP: credentials kept on one origin, one deadline per
fetch, a bounded size.

The configured headers (``X-Api-Key``, ``Authorization``...) are meant for the TARGET, so
they go only to its origin (scheme, host and port). Redirects are therefore followed here,
hop by hop, rather than by httpx (which strips only ``Authorization`` when the host changes):
a hop to another origin is refused unless remote references are allowed, and even then it
is sent without the configured headers (and without cookies, which do not respect ports).

``timeout`` bounds the whole fetch, connect to last byte, redirects included: httpx's own
timeout is per read, so a server trickling a byte a second would hold a run for as long as
it likes. The fetch runs on asyncio under one deadline; called from inside a running event
loop (an async test, say), it runs on a loop of its own in a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from driftguard._errors import DriftguardError, TargetError, one_line
from driftguard.openapi.files import MAX_BYTES, MAX_SIZE_TEXT

__all__ = ["MAX_REDIRECTS", "fetch_bytes", "origin_of", "run_sync"]

MAX_REDIRECTS = 10
_REMOTE_HINT = "(pass --allow-remote-refs, or set allow_remote_refs, to follow it)"

T = TypeVar("T")


def origin_of(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)``: what a URL must share with the target to get its headers."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise TargetError(f"{url}: invalid port in the URL") from None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def fetch_bytes(
    url: str,
    *,
    trusted: str | None,
    headers: Mapping[str, str] | None,
    timeout: float,
    other_origins: bool,
    refused: type[DriftguardError] = TargetError,
) -> bytes:
    """The body of a 200 answer to ``GET url``, within ``timeout`` seconds in all.

    ``trusted`` is the URL whose origin the configured ``headers`` belong to (None: they go
    nowhere). Unless ``other_origins``, a request to any other origin, first or after a
    redirect, is refused with a ``refused`` error; unreachable, slow or failing servers are
    :class:`TargetError`.
    """
    home = origin_of(trusted) if trusted is not None else None
    if home is not None and not other_origins and origin_of(url) != home:
        raise refused(f"{trusted}: reference to {url} on another origin refused {_REMOTE_HINT}")
    fetch = _fetch(
        url,
        home=home,
        headers=dict(headers or {}),
        timeout=timeout,
        other_origins=other_origins,
        refused=refused,
    )
    return run_sync(fetch)


async def _fetch(
    url: str,
    *,
    home: tuple[str, str, int] | None,
    headers: dict[str, str],
    timeout: float,
    other_origins: bool,
    refused: type[DriftguardError],
) -> bytes:
    import asyncio

    import httpx

    current = url
    try:
        async with asyncio.timeout(timeout), httpx.AsyncClient(timeout=timeout) as client:
            for _ in range(MAX_REDIRECTS + 1):
                client.cookies.clear()
                own = home is not None and origin_of(current) == home
                request = client.build_request("GET", current, headers=headers if own else {})
                response = await client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.is_redirect and location is not None:
                        current = _next_hop(url, current, location, home, other_origins, refused)
                        continue
                    if response.status_code != 200:
                        raise TargetError(
                            f"{url}: answered HTTP {response.status_code}, not an OpenAPI document"
                            + (f" (after a redirect to {current})" if current != url else "")
                        )
                    return await _body(url, response)
                finally:
                    await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        raise TargetError(
            f"{url}: no complete answer within {timeout:g}s (the timeout bounds the whole fetch)"
        ) from None
    except httpx.HTTPError as exc:
        raise TargetError(f"{url}: cannot reach the service: {one_line(exc)}") from None
    raise TargetError(f"{url}: more than {MAX_REDIRECTS} redirects; refusing to follow more")


def _next_hop(
    url: str,
    current: str,
    location: str,
    home: tuple[str, str, int] | None,
    other_origins: bool,
    refused: type[DriftguardError],
) -> str:
    """Where a redirect leads, if it may be followed at all."""
    target = urljoin(current, location)
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise refused(f"{url}: redirected to {target}, which is not an http(s) URL; refusing it")
    if home is not None and not other_origins and origin_of(target) != home:
        raise refused(f"{url}: redirected to {target} on another origin; refused {_REMOTE_HINT}")
    return target


async def _body(url: str, response: Any) -> bytes:
    """The (decoded) body, refused past :data:`MAX_BYTES` before it fills memory."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise TargetError(f"{url}: the answer is larger than {MAX_SIZE_TEXT}; refusing it")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_BYTES:
            raise TargetError(f"{url}: the answer is larger than {MAX_SIZE_TEXT}; refusing it")
    return bytes(body)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end from synchronous code, even inside a running loop.

    ``asyncio.run`` refuses to run inside a running event loop (an async test calling the
    synchronous API); there the coroutine gets a loop of its own in a worker thread.
    """
    import asyncio  # here: importing it costs a diff of two files 20 ms of start-up

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="driftguard-fetch", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
