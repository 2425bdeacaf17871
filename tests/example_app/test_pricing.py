"""Unit: plan pricing, the boundaries of the volume discount, and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from example_app.services.pricing import (
    Plan,
    UnknownPlanError,
    calculate_plan_price,
    cents,
    seat_price,
)


@pytest.mark.parametrize(
    ("plan", "seats", "price"),
    [
        ("starter", 1, Decimal("49.00")),
        ("pro", 1, Decimal("99.00")),
        ("enterprise", 1, Decimal("299.00")),
        # 9 seats: the last count without the discount
        ("starter", 9, Decimal("441.00")),
        ("pro", 9, Decimal("891.00")),
        ("enterprise", 9, Decimal("2691.00")),
        # 10 seats: the discount starts
        ("starter", 10, Decimal("441.00")),
        ("pro", 10, Decimal("891.00")),
        ("enterprise", 10, Decimal("2691.00")),
        ("pro", 11, Decimal("980.10")),
        ("enterprise", 1000, Decimal("269100.00")),
    ],
)
def test_price_by_plan_and_seats(plan: str, seats: int, price: Decimal) -> None:
    assert calculate_plan_price(seats, plan) == price


def test_price_is_a_decimal_in_cents() -> None:
    price = calculate_plan_price(3, Plan.PRO)
    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2


def test_plan_enum_and_its_value_price_the_same() -> None:
    assert calculate_plan_price(4, Plan.STARTER) == calculate_plan_price(4, "starter")


def test_seat_price_carries_the_discount() -> None:
    assert seat_price(9, "pro") == Decimal("99.00")
    assert seat_price(10, "pro") == Decimal("89.10")
    assert seat_price(10, "starter") * 10 == calculate_plan_price(10, "starter")


@pytest.mark.parametrize("plan", ["gold", "Pro", "", "pro "])
def test_unknown_plan_is_an_error(plan: str) -> None:
    with pytest.raises(UnknownPlanError, match="unknown plan"):
        calculate_plan_price(1, plan)


def test_unknown_plan_error_is_a_value_error_naming_the_known_plans() -> None:
    with pytest.raises(ValueError, match="starter, pro, enterprise"):
        calculate_plan_price(1, "gold")


@pytest.mark.parametrize("seats", [0, -1, True, 1.5])
def test_seats_must_be_a_positive_whole_number(seats: object) -> None:
    with pytest.raises(ValueError, match="seats must be a positive whole number"):
        calculate_plan_price(seats, "pro")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        (Decimal("1.005"), Decimal("1.01")),
        (Decimal("1.004"), Decimal("1.00")),
        (Decimal("2"), Decimal("2.00")),
    ],
)
def test_cents_round_half_up(amount: Decimal, rounded: Decimal) -> None:
    assert cents(amount) == rounded
