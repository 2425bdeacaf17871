"""Per-client rate limiting: a fixed window, answered with 429 and ``Retry-After``.

Clients are told apart by the connecting address. Behind a proxy every request would
come from the proxy; run uvicorn with ``--proxy-headers --forwarded-allow-ips`` so that
the address is the real client's. The counters live in this process, which is right for
one worker; several workers would each allow the limit.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Decision", "FixedWindowLimiter", "RateLimitMiddleware"]

EXEMPT_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    reset_after: float  # seconds until the current window ends


class FixedWindowLimiter:
    """At most ``limit`` hits per client in each window of ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # client -> (window start, hits)
        self._max_clients = 10_000

    def hit(self, client: str) -> Decision:
        now = self.clock()
        start, hits = self._windows.get(client, (now, 0))
        if now - start >= self.window:
            start, hits = now, 0
        reset_after = start + self.window - now
        if hits >= self.limit:
            return Decision(allowed=False, remaining=0, reset_after=reset_after)
        if client not in self._windows and len(self._windows) >= self._max_clients:
            self._forget_expired(now)
        self._windows[client] = (start, hits + 1)
        return Decision(allowed=True, remaining=self.limit - hits - 1, reset_after=reset_after)

    def _forget_expired(self, now: float) -> None:
        expired = [c for c, (start, _) in self._windows.items() if now - start >= self.window]
        for client in expired:
            del self._windows[client]


class RateLimitMiddleware:
    """Answers 429 once a client has used up its window; other requests pass untouched."""

    def __init__(self, app: ASGIApp, *, limit: int, window: float) -> None:
        self.app = app
        self.limiter = FixedWindowLimiter(limit, window)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        decision = self.limiter.hit(client[0] if client else "unknown")
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        limiter = self.limiter
        body = json.dumps(
            {"detail": f"rate limit exceeded: {limiter.limit} requests per {limiter.window:g}s"}
        ).encode()
        retry_after = max(1, math.ceil(decision.reset_after))
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry_after).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
