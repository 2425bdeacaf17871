"""Orders of plan seats: what a client sends, what it gets back."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from example_app.services.pricing import Plan

__all__ = ["MAX_LINES", "MAX_SEATS", "OrderCreate", "OrderLineIn", "OrderLineOut", "OrderOut"]

MAX_SEATS = 1000
MAX_LINES = 20


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: Plan = Field(examples=["pro"])
    seats: int = Field(ge=1, le=MAX_SEATS, examples=[5])


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[OrderLineIn] = Field(min_length=1, max_length=MAX_LINES)


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    plan: Plan
    seats: int
    unit_price: Decimal = Field(description="price of one seat, volume discount applied")
    amount: Decimal


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    user_id: int
    currency: str = Field(examples=["EUR"])
    lines: list[OrderLineOut]
    total: Decimal
    created_at: AwareDatetime
