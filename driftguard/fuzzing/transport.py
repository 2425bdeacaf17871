"""Sending the fuzzer's requests: one at a time for Hypothesis, or many at once for races.

Hypothesis drives a synchronous test function, while the foundation's ``open_client`` is an
async httpx client (in-process with the app's lifespan run, or over HTTP). A :class:`Sender`
owns one event loop for the whole run and turns each send into a blocking call, so the client,
its connection pool and the app's lifespan live from the first request to the last.

Nothing here knows about schemathesis: a :class:`Request` is the exact bytes that go out, so
the same value serves the reproduction, the report and the concurrency probe.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from driftguard._errors import TargetError, one_line
from driftguard._http import SAFE_METHODS
from driftguard.targets import Target, open_client

__all__ = ["CLOSED_WITHOUT_ANSWER", "Exchange", "NoAnswer", "Request", "Sender", "Unsendable"]

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One HTTP request exactly as sent: method, absolute URL, headers in order, body bytes."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.url).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def with_headers(
        self, *, drop: Iterable[str] = (), put: Mapping[str, str] | None = None
    ) -> Request:
        """A copy without the headers named in ``drop`` and with ``put`` set (replacing)."""
        removed = {name.lower() for name in drop} | {name.lower() for name in (put or {})}
        kept = [(k, v) for k, v in self.headers if k.lower() not in removed]
        return replace(self, headers=(*kept, *(put or {}).items()))

    def with_url(self, url: str) -> Request:
        return replace(self, url=url)


class Unsendable(Exception):
    """The HTTP client refused to put this request on the wire (e.g. an illegal header)."""


class NoAnswer(Exception):
    """The target gave no HTTP answer: a timeout or a dropped connection.

    ``where`` is the finding's location: ``no answer`` (a timeout, a failed connection) or
    ``connection closed`` (the server took the request and closed without answering).
    """

    def __init__(self, message: str, where: str = "no answer") -> None:
        super().__init__(message)
        self.where = where


# Seconds a server driftguard started is given to exit once it refuses connections, so that
# the error says how it ended rather than what the last request met.
_EXIT_GRACE = 3.0

# What a server that read the request and closed without answering says, over HTTP.
CLOSED_WITHOUT_ANSWER = (
    "the connection was closed without a response (the server still answers other requests; "
    "uvicorn does this when the app's response is not valid HTTP, e.g. an illegal header)"
)


@dataclass(frozen=True)
class Exchange:
    """A request and what came back: a response, or the error that stood in for one.

    ``error`` is an exception that escaped an in-process app, or :class:`NoAnswer`; then
    ``status`` is 0 and there is no body.
    """

    request: Request
    status: int
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    content: bytes = b""
    elapsed: float = 0.0
    error: BaseException | None = None

    @property
    def succeeded(self) -> bool:
        return self.error is None and 200 <= self.status < 300

    @property
    def content_type(self) -> str | None:
        values = self.headers.get("content-type")
        return values[0] if values else None

    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when it is not JSON."""
        import json

        try:
            return json.loads(self.content)
        except ValueError:
            return None


class Sender:
    """Blocking sends over one async httpx client, for the length of a ``with`` block."""

    def __init__(
        self,
        target: Target,
        *,
        app: Any = None,
        timeout: float = 10.0,
        safe_only: bool = False,
        why_down: Callable[[], str | None] | None = None,
    ) -> None:
        self.target = target
        # why a server driftguard started (--serve) answers no more, None while it is up
        self.why_down = why_down
        # called with every answer (the probes' answers are judged through it)
        self.on_answer: Callable[[Exchange], None] | None = None
        self.timeout = timeout
        # refuse to send a method that may change data (a live service, not allowed)
        self.safe_only = safe_only
        self.requests_sent = 0
        self._app = app
        self._runner: _LoopThread | None = None
        self._client: Any = None
        self._context: AbstractAsyncContextManager[Any] | None = None

    def __enter__(self) -> Sender:
        runner = _LoopThread()
        context = open_client(self.target, timeout=self.timeout, app=self._app)
        try:
            self._client = runner.run(context.__aenter__())
        except BaseException:
            runner.close()
            raise
        self._runner, self._context = runner, context
        return self

    def __exit__(self, *exc_info: Any) -> None:
        runner, context = self._runner, self._context
        self._runner = self._context = self._client = None
        if runner is None or context is None:
            return
        try:
            runner.run(context.__aexit__(*exc_info))
        finally:
            runner.close()

    def send(self, request: Request) -> Exchange:
        return self._run(self._send(request))

    def send_all(self, requests: Sequence[Request]) -> list[Exchange]:
        """Send every request at once and wait for all of them (the concurrency probe)."""

        async def everything() -> list[Exchange]:
            return list(await asyncio.gather(*(self._send(r) for r in requests)))

        return self._run(everything())

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._runner is None:
            coroutine.close()
            raise RuntimeError("Sender used outside its `with` block")
        return self._runner.run(coroutine)

    async def _send(self, request: Request) -> Exchange:
        import httpx

        if self.safe_only and request.method.upper() not in SAFE_METHODS:
            raise Unsendable(f"{request.method} may change data on {self.target.base_url}")
        self.requests_sent += 1
        outgoing = self._client.build_request(
            request.method, request.url, headers=list(request.headers), content=request.body
        )
        started = time.perf_counter()
        try:
            # httpx enforces timeouts on sockets only; an in-process app needs its own clock.
            async with asyncio.timeout(self.timeout):
                try:
                    response = await self._client.send(outgoing)
                except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                    if self.target.kind == "app":
                        raise
                    # A server may close a kept-alive connection after answering (uvicorn does
                    # after an app crash); like curl and browsers, send once more on a fresh one.
                    response = await self._client.send(outgoing)
        except (TimeoutError, httpx.TimeoutException):
            error: BaseException = NoAnswer(f"no answer within {self.timeout:g}s")
            return Exchange(request, 0, elapsed=time.perf_counter() - started, error=error)
        except httpx.LocalProtocolError as exc:
            raise Unsendable(str(exc)) from None
        except httpx.ConnectError as exc:
            message = self._down(f"cannot reach the service during fuzzing: {exc}", request)
            raise TargetError(message) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            if self.target.kind == "app":
                raise  # httpx itself failed, not the app: a bug worth a traceback
            # Twice the server took the request and closed without an answer: a defect of
            # its own if it still answers a plain request, a server that went down if not.
            if not await self._still_up():
                raise TargetError(
                    self._down(
                        f"the service stopped answering during fuzzing ({one_line(exc)})", request
                    )
                ) from None
            error = NoAnswer(CLOSED_WITHOUT_ANSWER, where="connection closed")
            return Exchange(request, 0, elapsed=time.perf_counter() - started, error=error)
        except httpx.HTTPError as exc:
            if self.target.kind == "app":
                raise  # httpx itself failed, not the app: a bug worth a traceback
            error = NoAnswer(f"the connection failed: {one_line(exc)}")
            return Exchange(request, 0, elapsed=time.perf_counter() - started, error=error)
        except Exception as exc:
            if self.target.kind != "app":
                raise
            # An exception escaping the app: a crash the fuzzer reports, never its own.
            return Exchange(request, 0, elapsed=time.perf_counter() - started, error=_unwrap(exc))
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            headers.setdefault(name.lower(), []).append(value)
        exchange = Exchange(
            request,
            response.status_code,
            headers,
            response.content,
            elapsed=time.perf_counter() - started,
        )
        if self.on_answer is not None:
            self.on_answer(exchange)
        return exchange

    def _down(self, message: str, request: Request) -> str:
        """The one line for a server that answers no more: why, if driftguard started it,
        and the request it was sent last."""
        why = None
        if self.why_down is not None:
            # a server that refuses connections may not have exited yet: give it a moment
            waited = time.monotonic() + _EXIT_GRACE
            while (why := self.why_down()) is None and time.monotonic() < waited:
                time.sleep(0.05)
        if why is not None:
            return f"{why} during fuzzing, after {request.method} {request.path}"
        return f"{self.target.base_url}: {message}"

    async def _still_up(self) -> bool:
        """Whether the server answers a plain ``GET /`` (any status) on a fresh connection."""
        import httpx

        if self.why_down is not None and self.why_down() is not None:
            return False
        try:
            await self._client.get(self.target.base_url + "/", timeout=self.timeout)
        except httpx.HTTPError:
            return False
        return True


class _LoopThread:
    """An event loop in a thread of its own, running one task for its whole life.

    The app's sync endpoints run in anyio's worker threads, which anyio stops when the task
    that started the loop ends: with ``asyncio.Runner.run`` per request, every request started
    a thread afresh (half the time of a request to a sync endpoint). Here that task lasts as
    long as the sender, and each send is a task beside it.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        started = threading.Event()

        async def keep() -> None:  # (the root task: anyio's worker threads live with it)
            self._stop = asyncio.Event()
            started.set()
            await self._stop.wait()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(keep())
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
                self._loop.run_until_complete(self._loop.shutdown_default_executor())
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=serve, name="driftguard-sender", daemon=True)
        self._thread.start()
        started.wait()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C while waiting: the request is abandoned
            raise

    def close(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()


def _unwrap(exc: BaseException) -> BaseException:
    """The one exception inside single-member exception groups (anyio task groups add them)."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc
