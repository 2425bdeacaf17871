"""The stand-in rates service shipped for local runs speaks what the rates client expects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from example_app.clients.rates import RatesClient, build_http_client
from example_app.dev.rates_service import app
from tests.servers import serve

pytestmark = pytest.mark.anyio


async def test_client_reads_the_stand_in_service() -> None:
    with serve(app) as url:
        rates = RatesClient(build_http_client(url, timeout=5))
        try:
            eur = await rates.get_rates("EUR")
            usd = await rates.get_rates("USD")
        finally:
            await rates.aclose()
    assert eur.rate("USD") == Decimal("1.085")
    assert usd.rate("EUR") == Decimal("0.921659")
    assert "USD" not in usd.rates
