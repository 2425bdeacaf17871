"""The price list and quotes."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from example_app.services.pricing import Plan
from example_app.services.quotes import Currency

__all__ = ["PlanOut", "QuoteOut"]


class PlanOut(BaseModel):
    plan: Plan
    seat_price: Decimal
    currency: str
    volume_discount_seats: int = Field(description="from this many seats on, the discount applies")
    volume_discount_percent: int


class QuoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan: Plan
    seats: int
    base_currency: str
    base_total: Decimal
    currency: Currency
    exchange_rate: Decimal
    total: Decimal
    rates_updated_at: AwareDatetime | None = Field(
        description="when the exchange rate was published; null when no conversion was needed"
    )
