"""Start-up failures reported in one line instead of a traceback.

Starlette reports an exception raised during start-up with its full traceback, which
buries "SECRET_KEY: not set" under thirty lines of frames. For the errors we expect
(:class:`StartupError`: bad configuration, an unusable database file) this middleware
sends the lifespan protocol's ``startup.failed`` with the one-line message instead;
uvicorn prints it and exits, and in-process runners (httpx, driftguard) report it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from example_app.errors import StartupError

__all__ = ["StartupErrorMiddleware"]


class StartupErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: Message | None = None

        async def hold_failure(message: Message) -> None:
            nonlocal held
            if message["type"] == "lifespan.startup.failed":
                held = message  # sent below, once we know whether the cause is expected
                return
            await send(message)

        try:
            await self.app(scope, receive, hold_failure)
        except StartupError as error:
            await send({"type": "lifespan.startup.failed", "message": f"example_app: {error}"})
            return
        except BaseException:
            if held is not None:
                await send(held)
            raise
        if held is not None:
            await send(held)
