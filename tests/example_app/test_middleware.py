"""Middleware: CORS headers and rate limiting change responses the way they should."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from example_app.app import create_app
from example_app.middleware.rate_limit import FixedWindowLimiter
from example_app.settings import Settings
from tests.example_app.running import running

pytestmark = pytest.mark.anyio

SHOP = "https://shop.example"


def _client(app: object, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


Started = Callable[..., AbstractAsyncContextManager[object]]


@pytest.fixture
def started(settings: Settings) -> Started:
    """A started app with some settings changed."""

    @asynccontextmanager
    async def start(**changes: object) -> AsyncIterator[object]:
        app = create_app(settings.model_copy(update=changes))
        async with running(app):
            yield app

    return start


# --- CORS ----------------------------------------------------------------------------------


async def test_allowed_origin_gets_cors_headers(started: Started) -> None:
    async with started(cors_origins=(SHOP,)) as app, _client(app, "10.0.0.1") as client:
        response = await client.get("/pricing/plans", headers={"Origin": SHOP})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SHOP


async def test_other_origin_gets_none(started: Started) -> None:
    async with started(cors_origins=(SHOP,)) as app, _client(app, "10.0.0.1") as client:
        response = await client.get("/pricing/plans", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_preflight_is_answered(started: Started) -> None:
    headers = {
        "Origin": SHOP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type",
    }
    async with started(cors_origins=(SHOP,)) as app, _client(app, "10.0.0.1") as client:
        allowed = await client.options("/orders/", headers=headers)
        refused = await client.options("/orders/", headers={**headers, "Origin": "https://x.io"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert allowed.headers["access-control-max-age"] == "600"
    assert refused.status_code == 400


async def test_no_cors_headers_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/pricing/plans", headers={"Origin": SHOP})
    assert "access-control-allow-origin" not in response.headers


# --- rate limiting ---------------------------------------------------------------------------


async def test_requests_over_the_limit_are_429_with_retry_after(started: Started) -> None:
    async with started(rate_limit=3) as app, _client(app, "10.0.0.1") as client:
        statuses = [(await client.get("/pricing/plans")).status_code for _ in range(3)]
        limited = await client.get("/pricing/plans")
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.json() == {"detail": "rate limit exceeded: 3 requests per 60s"}
    assert 1 <= int(limited.headers["retry-after"]) <= 60


async def test_every_route_counts_and_errors_count_too(started: Started) -> None:
    async with started(rate_limit=2) as app, _client(app, "10.0.0.1") as client:
        assert (await client.get("/users/999")).status_code == 404
        assert (await client.get("/profile")).status_code == 401
        assert (await client.post("/users/", json={})).status_code == 429


async def test_clients_are_limited_separately(started: Started) -> None:
    async with (
        started(rate_limit=1) as app,
        _client(app, "10.0.0.1") as first,
        _client(app, "10.0.0.2") as second,
    ):
        assert (await first.get("/pricing/plans")).status_code == 200
        assert (await first.get("/pricing/plans")).status_code == 429
        assert (await second.get("/pricing/plans")).status_code == 200


async def test_health_and_the_openapi_document_are_never_limited(started: Started) -> None:
    async with started(rate_limit=1) as app, _client(app, "10.0.0.1") as client:
        await client.get("/pricing/plans")
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/pricing/plans")).status_code == 429


async def test_limited_response_still_carries_cors_headers(started: Started) -> None:
    """Otherwise a browser app could not even read that it was throttled."""
    async with (
        started(rate_limit=1, cors_origins=(SHOP,)) as app,
        _client(app, "10.0.0.1") as client,
    ):
        await client.get("/pricing/plans", headers={"Origin": SHOP})
        limited = await client.get("/pricing/plans", headers={"Origin": SHOP})
    assert limited.status_code == 429
    assert limited.headers["access-control-allow-origin"] == SHOP


async def test_default_limit_does_not_throttle_a_burst(client: httpx.AsyncClient) -> None:
    statuses = {(await client.get("/pricing/plans")).status_code for _ in range(300)}
    assert statuses == {200}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_window_resets_after_its_length() -> None:
    clock = FakeClock()
    limiter = FixedWindowLimiter(2, 10.0, clock=clock)
    assert [limiter.hit("a").allowed for _ in range(3)] == [True, True, False]
    clock.now += 4
    refused = limiter.hit("a")
    assert (refused.allowed, refused.remaining, refused.reset_after) == (False, 0, 6.0)
    clock.now += 6
    assert limiter.hit("a").allowed
    assert limiter.hit("a").remaining == 0


def test_remaining_counts_down() -> None:
    limiter = FixedWindowLimiter(3, 60.0, clock=FakeClock())
    assert [limiter.hit("a").remaining for _ in range(3)] == [2, 1, 0]


def test_expired_clients_are_forgotten_when_many() -> None:
    clock = FakeClock()
    limiter = FixedWindowLimiter(1, 1.0, clock=clock)
    limiter._max_clients = 3
    for client in "abc":
        limiter.hit(client)
    clock.now += 2
    limiter.hit("d")
    assert set(limiter._windows) == {"d"}
