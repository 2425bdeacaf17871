"""Price quotes in the customer's currency, converted with the downstream exchange rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from example_app.clients.rates import ExchangeRates
from example_app.services.pricing import BASE_CURRENCY, Plan, calculate_plan_price, cents

__all__ = ["Currency", "Quote", "RatesSource", "quote"]


class Currency(StrEnum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"
    CHF = "CHF"
    SEK = "SEK"


class RatesSource(Protocol):
    async def get_rates(self, base: str) -> ExchangeRates: ...


@dataclass(frozen=True)
class Quote:
    plan: Plan
    seats: int
    base_currency: str
    base_total: Decimal
    currency: Currency
    exchange_rate: Decimal
    total: Decimal
    rates_updated_at: datetime | None


async def quote(plan: Plan, seats: int, currency: Currency, rates: RatesSource) -> Quote:
    """The price of ``seats`` seats of ``plan`` in ``currency``; asks for rates only if needed."""
    base_total = calculate_plan_price(seats, plan)
    if currency == BASE_CURRENCY:
        rate, updated_at = Decimal(1), None
    else:
        exchange = await rates.get_rates(BASE_CURRENCY)
        rate, updated_at = exchange.rate(currency.value), exchange.updated_at
    return Quote(
        plan=plan,
        seats=seats,
        base_currency=BASE_CURRENCY,
        base_total=base_total,
        currency=currency,
        exchange_rate=rate,
        total=cents(base_total * rate),
        rates_updated_at=updated_at,
    )
