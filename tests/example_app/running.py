"""Run an app's lifespan exactly as a server does, around a block of in-process requests.

httpx's ASGITransport sends requests but never starts the app; this speaks the ASGI
lifespan protocol to the app itself (middleware included), so start-up failures are
seen the way uvicorn sees them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

__all__ = ["StartupFailed", "in_process_client", "running"]

TIMEOUT = 10.0


class StartupFailed(Exception):
    """The app answered ``lifespan.startup.failed``; the message is what it reported."""


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[None]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}

    async def run() -> None:
        try:
            await app(scope, inbox.get, outbox.put)
        except Exception as exc:  # the app already answered startup.failed
            await outbox.put({"type": "app.raised", "message": repr(exc)})

    task = asyncio.create_task(run())
    await inbox.put({"type": "lifespan.startup"})
    started = await asyncio.wait_for(outbox.get(), TIMEOUT)
    if started["type"] != "lifespan.startup.complete":
        await asyncio.wait_for(task, TIMEOUT)
        raise StartupFailed(started.get("message", started["type"]))
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        stopped = await asyncio.wait_for(outbox.get(), TIMEOUT)
        await asyncio.wait_for(task, TIMEOUT)
        assert stopped["type"] == "lifespan.shutdown.complete", stopped


@asynccontextmanager
async def in_process_client(app: Any, **kwargs: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A started app and an httpx client calling it in-process."""
    transport = httpx.ASGITransport(app=app, **kwargs)
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield client
