"""A stand-in exchange-rate service with fixed rates: ``GET /rates/{base}``.

Run it beside the app for local use::

    uvicorn example_app.dev.rates_service:app --port 8001

The rates are fixed (and derived through EUR for other bases) so runs are repeatable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi import FastAPI, HTTPException

__all__ = ["RATES_FROM_EUR", "app", "rates_for"]

RATES_FROM_EUR: dict[str, Decimal] = {
    "EUR": Decimal("1"),
    "USD": Decimal("1.0850"),
    "GBP": Decimal("0.8560"),
    "CHF": Decimal("0.9420"),
    "SEK": Decimal("11.4700"),
}
PUBLISHED = datetime(2025, 1, 2, 16, 0, tzinfo=UTC)

app = FastAPI(title="rates (stand-in)", version="1.0.0")


def rates_for(base: str) -> dict[str, float]:
    per_eur = RATES_FROM_EUR[base]
    return {
        currency: float(round(rate / per_eur, 6))
        for currency, rate in RATES_FROM_EUR.items()
        if currency != base
    }


@app.get("/rates/{base}")
def get_rates(base: str) -> dict[str, object]:
    if base not in RATES_FROM_EUR:
        raise HTTPException(status_code=404, detail=f"no rates for {base}")
    return {"base": base, "rates": rates_for(base), "updated_at": PUBLISHED.isoformat()}
