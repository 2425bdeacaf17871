"""Placing an order and reading it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, status

from example_app.api.dependencies import (
    CurrentUser,
    ReadSession,
    WriteSession,
    get_fulfillment_provider,
)
from example_app.api.responses import BAD_BODY, NOT_FOUND, RATE_LIMITED, UNAUTHORIZED
from example_app.clients.fulfillment import FulfillmentProvider
from example_app.schemas.common import MAX_ID
from example_app.schemas.orders import OrderCreate, OrderOut
from example_app.services import orders
from example_app.services.notifications import queue_fulfillment

router = APIRouter(prefix="/orders", tags=["orders"], responses={**RATE_LIMITED, **UNAUTHORIZED})


@router.post("/", status_code=status.HTTP_201_CREATED, response_model=OrderOut, responses=BAD_BODY)
def create_order(
    body: OrderCreate,
    customer: CurrentUser,
    session: WriteSession,
    background: BackgroundTasks,
    fulfillment: Annotated[FulfillmentProvider, Depends(get_fulfillment_provider)],
) -> OrderOut:
    """Order seats; the fulfilment job is queued after the response."""
    lines = [orders.LineRequest(plan=line.plan, seats=line.seats) for line in body.lines]
    order = orders.place_order(session, customer=customer, lines=lines)
    job = orders.fulfillment_job(order, customer_email=customer.email)
    background.add_task(queue_fulfillment, fulfillment, job)
    return OrderOut.model_validate(order)


@router.get("/{order_id}", response_model=OrderOut, responses=NOT_FOUND)
def get_order(
    viewer: CurrentUser,
    session: ReadSession,
    order_id: Annotated[
        int, Path(ge=1, le=MAX_ID, examples=[1], openapi_examples={"first": {"value": 1}})
    ],
) -> OrderOut:
    """An order you placed (admins see every order)."""
    return OrderOut.model_validate(orders.get_order(session, order_id, viewer=viewer))
