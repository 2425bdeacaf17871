"""Seat-based plan pricing: the one place prices are computed.

Money is ``Decimal`` rounded to cents, never ``float``: a price that is off by a
rounding error is a billing bug.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "BASE_CURRENCY",
    "PER_SEAT",
    "VOLUME_DISCOUNT",
    "VOLUME_DISCOUNT_SEATS",
    "Plan",
    "UnknownPlanError",
    "calculate_plan_price",
    "cents",
    "seat_price",
]


class Plan(StrEnum):
    STARTER = "starter"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class UnknownPlanError(ValueError):
    """A plan name that is not on the price list."""


BASE_CURRENCY = "EUR"
PER_SEAT: dict[Plan, Decimal] = {
    Plan.STARTER: Decimal("49"),
    Plan.PRO: Decimal("99"),
    Plan.ENTERPRISE: Decimal("299"),
}
VOLUME_DISCOUNT_SEATS = 10
VOLUME_DISCOUNT = Decimal("0.10")
_CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to cents the way invoices round (half up)."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _plan(plan: Plan | str) -> Plan:
    try:
        return Plan(plan)
    except ValueError:
        known = ", ".join(p.value for p in Plan)
        raise UnknownPlanError(f"unknown plan {plan!r} (known plans: {known})") from None


def _seats(seats: int) -> int:
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise ValueError(f"seats must be a positive whole number, not {seats!r}")
    return seats


def seat_price(seats: int, plan: Plan | str) -> Decimal:
    """The price of one seat when ``seats`` are bought together (volume discount applied)."""
    price = PER_SEAT[_plan(plan)]
    if _seats(seats) >= VOLUME_DISCOUNT_SEATS:
        price = price * (1 - VOLUME_DISCOUNT)
    return cents(price)


def calculate_plan_price(seats: int, plan: Plan | str) -> Decimal:
    """The price of ``seats`` seats of ``plan`` in EUR: 10% off from 10 seats on."""
    return cents(seat_price(seats, plan) * seats)
