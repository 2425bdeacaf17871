"""Integration: the price list and quotes; the downstream rates service is a real stub
server on 127.0.0.1, including every way it fails (never a 500 here)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from decimal import Decimal

import httpx
import pytest

from example_app.app import create_app
from example_app.clients.rates import (
    RatesBadResponseError,
    RatesClient,
    RatesUnavailableError,
    build_http_client,
)
from example_app.services.pricing import Plan
from example_app.services.quotes import Currency, quote
from example_app.settings import Settings
from tests.example_app.running import in_process_client
from tests.example_app.stubs import SLOW_SECONDS

pytestmark = pytest.mark.anyio


async def test_price_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/pricing/plans")
    assert response.status_code == 200
    assert [(p["plan"], p["seat_price"]) for p in response.json()] == [
        ("starter", "49.00"),
        ("pro", "99.00"),
        ("enterprise", "299.00"),
    ]
    assert {
        (p["volume_discount_seats"], p["volume_discount_percent"]) for p in response.json()
    } == {(10, 10)}


async def test_quote_in_euros_needs_no_downstream(client: httpx.AsyncClient) -> None:
    """The app's rates URL refuses connections: a EUR quote must not even try it."""
    response = await client.get("/pricing/quote", params={"plan": "pro", "seats": 10})
    assert response.status_code == 200
    assert response.json() == {
        "plan": "pro",
        "seats": 10,
        "base_currency": "EUR",
        "base_total": "891.00",
        "currency": "EUR",
        "exchange_rate": "1",
        "total": "891.00",
        "rates_updated_at": None,
    }


ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def quote_client_for(settings: Settings, rates_server: str) -> ClientFor:
    """Builds a started app whose RATES_API_URL is the stub in a given mode."""

    def build(mode: str, **overrides: object) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        update = {"rates_api_url": f"{rates_server}/{mode}", **overrides}
        return in_process_client(create_app(settings.model_copy(update=update)))

    return build


async def test_quote_converted_through_the_rates_service(quote_client_for: ClientFor) -> None:
    async with quote_client_for("ok") as client:
        response = await client.get(
            "/pricing/quote", params={"plan": "pro", "seats": 10, "currency": "USD"}
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["base_total"], body["currency"], body["exchange_rate"]) == (
        "891.00",
        "USD",
        "1.085",
    )
    assert body["total"] == str((Decimal("891.00") * Decimal("1.085")).quantize(Decimal("0.01")))
    assert body["rates_updated_at"] == "2025-01-02T16:00:00Z"


@pytest.mark.parametrize(
    ("mode", "status", "detail"),
    [
        ("down", 503, "exchange-rate service unavailable (HTTP 503)"),
        ("error", 502, "exchange-rate service answered HTTP 500"),
        ("html", 502, "exchange-rate service sent an unexpected body"),
        ("renamed", 502, "exchange-rate service sent an unexpected body"),
        ("negative", 502, "exchange-rate service sent an unexpected body"),
        ("other-base", 502, "exchange-rate service sent USD rates when asked for EUR"),
        ("no-usd", 502, "exchange-rate service has no USD rate for EUR"),
        ("no-such-mode", 502, "exchange-rate service answered HTTP 404"),
    ],
)
async def test_downstream_failures_are_502_or_503_with_a_detail(
    quote_client_for: ClientFor,
    mode: str,
    status: int,
    detail: str,
) -> None:
    async with quote_client_for(mode) as client:
        response = await client.get(
            "/pricing/quote", params={"plan": "pro", "seats": 1, "currency": "USD"}
        )
    assert (response.status_code, response.json()) == (status, {"detail": detail})


async def test_slow_downstream_times_out_as_503(quote_client_for: ClientFor) -> None:
    async with quote_client_for("slow", rates_timeout_seconds=SLOW_SECONDS / 10) as client:
        response = await client.get(
            "/pricing/quote", params={"plan": "pro", "seats": 1, "currency": "GBP"}
        )
    assert (response.status_code, response.json()) == (
        503,
        {"detail": "exchange-rate service timed out"},
    )


async def test_unreachable_downstream_is_503(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/pricing/quote", params={"plan": "pro", "seats": 1, "currency": "CHF"}
    )
    assert (response.status_code, response.json()) == (
        503,
        {"detail": "exchange-rate service unreachable"},
    )


async def test_rates_client_against_the_stub(rates_server: str) -> None:
    rates = RatesClient(build_http_client(f"{rates_server}/ok", timeout=5))
    try:
        exchange = await rates.get_rates("EUR")
    finally:
        await rates.aclose()
    assert exchange.base == "EUR"
    assert exchange.rate("EUR") == 1
    assert exchange.rate("SEK") == Decimal("11.47")
    assert exchange.updated_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("mode", "error"),
    [("down", RatesUnavailableError), ("renamed", RatesBadResponseError)],
)
async def test_rates_client_raises_only_its_two_errors(
    rates_server: str, mode: str, error: type[Exception]
) -> None:
    rates = RatesClient(build_http_client(f"{rates_server}/{mode}", timeout=5))
    try:
        with pytest.raises(error):
            await rates.get_rates("EUR")
    finally:
        await rates.aclose()


async def test_quote_service_converts_and_rounds(rates_server: str) -> None:
    rates = RatesClient(build_http_client(f"{rates_server}/ok", timeout=5))
    try:
        result = await quote(Plan.ENTERPRISE, 3, Currency.SEK, rates)
    finally:
        await rates.aclose()
    assert result.base_total == Decimal("897.00")
    assert result.total == Decimal("10288.59")  # 897 * 11.47 = 10288.59
    assert result.exchange_rate == Decimal("11.47")
