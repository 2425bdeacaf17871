"""The price list and quotes, converted through the exchange-rate service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from example_app.api.dependencies import get_rates
from example_app.api.responses import BAD_GATEWAY, RATE_LIMITED, UNAVAILABLE
from example_app.schemas.orders import MAX_SEATS
from example_app.schemas.pricing import PlanOut, QuoteOut
from example_app.services import pricing, quotes
from example_app.services.pricing import Plan
from example_app.services.quotes import Currency, RatesSource

router = APIRouter(prefix="/pricing", tags=["pricing"], responses=RATE_LIMITED)


@router.get("/plans", response_model=list[PlanOut])
def list_plans() -> list[PlanOut]:
    percent = int(pricing.VOLUME_DISCOUNT * 100)
    return [
        PlanOut(
            plan=plan,
            seat_price=pricing.cents(price),
            currency=pricing.BASE_CURRENCY,
            volume_discount_seats=pricing.VOLUME_DISCOUNT_SEATS,
            volume_discount_percent=percent,
        )
        for plan, price in pricing.PER_SEAT.items()
    ]


@router.get("/quote", response_model=QuoteOut, responses={**BAD_GATEWAY, **UNAVAILABLE})
async def get_quote(
    rates: Annotated[RatesSource, Depends(get_rates)],
    plan: Annotated[Plan, Query(examples=["pro"], openapi_examples={"pro": {"value": "pro"}})],
    seats: Annotated[
        int, Query(ge=1, le=MAX_SEATS, examples=[3], openapi_examples={"three": {"value": 3}})
    ],
    currency: Annotated[Currency, Query(description="currency of the quote")] = Currency.EUR,
) -> QuoteOut:
    """The price of seats of a plan; other currencies are converted at the current rate."""
    quote = await quotes.quote(plan, seats, currency, rates)
    return QuoteOut.model_validate(quote)
