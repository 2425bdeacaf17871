"""Placing orders for plan seats, and reading them back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from example_app.clients.fulfillment import FulfillmentJob, FulfillmentLine
from example_app.db.models import Order, OrderLine, User
from example_app.db.repositories import OrderRepository
from example_app.errors import NotFoundError
from example_app.services.pricing import BASE_CURRENCY, Plan, calculate_plan_price, seat_price

__all__ = ["LineRequest", "fulfillment_job", "get_order", "place_order"]


@dataclass(frozen=True)
class LineRequest:
    plan: Plan
    seats: int


def place_order(session: Session, *, customer: User, lines: Sequence[LineRequest]) -> Order:
    """Price each line, store the order with its total, commit. The id comes from SQLite."""
    if not lines:
        raise ValueError("an order needs at least one line")
    order = Order(user_id=customer.id, currency=BASE_CURRENCY, created_at=datetime.now(UTC))
    for position, line in enumerate(lines):
        order.lines.append(
            OrderLine(
                position=position,
                plan=Plan(line.plan).value,
                seats=line.seats,
                unit_price=seat_price(line.seats, line.plan),
                amount=calculate_plan_price(line.seats, line.plan),
            )
        )
    order.total = sum((line.amount for line in order.lines), Decimal("0.00"))
    OrderRepository(session).add(order)
    session.commit()
    return order


def get_order(session: Session, order_id: int, *, viewer: User) -> Order:
    """The order, if ``viewer`` placed it or is an admin; otherwise it does not exist for them.

    A 404 rather than a 403 for someone else's order, so ids cannot be probed.
    """
    order = OrderRepository(session).get(order_id)
    if order is None or (order.user_id != viewer.id and not viewer.is_admin):
        raise NotFoundError(f"order {order_id} not found")
    return order


def fulfillment_job(order: Order, *, customer_email: str) -> FulfillmentJob:
    """What the fulfilment provider needs to provision ``order``, as plain values."""
    return FulfillmentJob(
        order_id=order.id,
        customer_email=customer_email,
        lines=tuple(FulfillmentLine(plan=line.plan, seats=line.seats) for line in order.lines),
    )
