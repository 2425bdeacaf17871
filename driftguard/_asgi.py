"""Running an ASGI app in-process the way a server would: lifespan first, then requests.

httpx's ``ASGITransport`` sends requests but never runs the lifespan protocol, so an app
that opens its database on start-up would fail every probe. :func:`lifespan` runs the
start-up and shut-down events around a block, like uvicorn does around serving.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from driftguard._errors import TargetError, one_line

__all__ = ["lifespan"]

Message = MutableMapping[str, Any]


@asynccontextmanager
async def lifespan(app: Any, *, name: str = "app", timeout: float = 30.0) -> AsyncIterator[None]:
    """Run ``app``'s lifespan start-up before the block and its shut-down after it.

    An app that does not speak the lifespan protocol (it raises on the lifespan scope
    before answering) is run without it, as uvicorn's ``--lifespan auto`` does.
    """
    receive_queue: asyncio.Queue[Message] = asyncio.Queue()
    send_queue: asyncio.Queue[Message] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}

    async def receive() -> Message:
        return await receive_queue.get()

    async def send(message: Message) -> None:
        await send_queue.put(message)

    async def run() -> BaseException | None:
        try:
            await app(scope, receive, send)
        except BaseException as exc:  # reported through the queue below
            await send_queue.put({"type": "driftguard.crashed", "error": exc})
            return exc
        await send_queue.put({"type": "driftguard.returned"})
        return None

    task = asyncio.create_task(run())
    await receive_queue.put({"type": "lifespan.startup"})
    started = await _next(send_queue, timeout, name, "start-up")
    kind = started["type"]
    if kind == "lifespan.startup.failed":
        await _finish(task)
        raise TargetError(f"{name}: start-up failed: {_last_line(started.get('message'))}")
    if kind == "driftguard.crashed":
        error = started["error"]
        if not _lifespan_unsupported(error):
            raise TargetError(f"{name}: start-up failed: {one_line(error)}")
        yield
        return
    if kind == "driftguard.returned":
        yield  # the app ignores lifespan
        return
    try:
        yield
    finally:
        await receive_queue.put({"type": "lifespan.shutdown"})
        try:
            await _next(send_queue, timeout, name, "shut-down")
        finally:
            await _finish(task)


def _last_line(message: object) -> str:
    """Starlette puts the whole traceback in the message; its last line says what failed."""
    lines = [line for line in str(message or "").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


def _lifespan_unsupported(error: BaseException) -> bool:
    # Apps without lifespan support typically assert on the scope type or raise KeyError.
    return isinstance(error, AssertionError | KeyError | NotImplementedError | ValueError)


async def _next(queue: asyncio.Queue[Message], timeout: float, name: str, what: str) -> Message:
    try:
        return await asyncio.wait_for(queue.get(), timeout)
    except TimeoutError:
        raise TargetError(f"{name}: lifespan {what} did not finish within {timeout:g}s") from None


async def _finish(task: asyncio.Task[Any]) -> None:
    if not task.done():
        task.cancel()
    # The app is being torn down and any error of its was reported already.
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await task
