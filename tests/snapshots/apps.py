"""The same small order service twice: serialising as Pydantic 1 did, and as Pydantic 2 does.

Both run on the installed Pydantic 2. ``v1_app`` reproduces Pydantic 1's JSON with explicit
serializers (Decimal as a number, timedelta as seconds, datetimes ``+00:00``, URLs as given,
field names as declared); ``v2_app`` uses Pydantic 2's defaults (Decimal ``"10.50"``,
timedelta ``"PT1M30.5S"``, ``Z``, a trailing slash on a bare host URL) and renames one field
with ``serialization_alias``. Every response carries values that change on every call (a
random id, the current time, a fresh token), which must never be reported as drift.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, Field, HttpUrl, PlainSerializer

V1Decimal = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
V1Seconds = Annotated[
    timedelta, PlainSerializer(lambda d: d.total_seconds(), return_type=float, when_used="json")
]
V1DateTime = Annotated[
    datetime, PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")
]
V1Url = Annotated[HttpUrl, PlainSerializer(lambda u: str(u).rstrip("/"), return_type=str)]


def _order_data(order_id: uuid.UUID | None = None) -> dict[str, Any]:
    lines = [
        {"sku": "BOOK-1", "unit_price": Decimal("10.50"), "quantity": 2},
        {"sku": "PEN-7", "unit_price": Decimal("1.25"), "quantity": secrets.randbelow(5) + 1},
    ]
    total = sum((line["unit_price"] * line["quantity"] for line in lines), Decimal("0.00"))
    return {
        "id": order_id or uuid.uuid4(),
        "customer_name": "Ada Lovelace",
        "total": total.quantize(Decimal("0.01")),
        "lines": lines,
        "processing_time": timedelta(seconds=90.5),
        "created_at": datetime.now(UTC),
        "homepage": "https://shop.example",
        "token": secrets.token_urlsafe(16),
    }


def create_app(style: str) -> FastAPI:
    pydantic1 = style == "v1"
    Money = V1Decimal if pydantic1 else Decimal
    Seconds = V1Seconds if pydantic1 else timedelta
    When = V1DateTime if pydantic1 else datetime
    Url = V1Url if pydantic1 else HttpUrl

    class Line(BaseModel):
        sku: str
        unit_price: Money  # type: ignore[valid-type]
        quantity: int

    class Order(BaseModel):
        id: uuid.UUID
        customer_name: str = Field() if pydantic1 else Field(serialization_alias="customerName")
        total: Money  # type: ignore[valid-type]
        lines: list[Line]
        processing_time: Seconds  # type: ignore[valid-type]
        created_at: When  # type: ignore[valid-type]
        homepage: Url  # type: ignore[valid-type]
        token: str

    class OrderList(BaseModel):
        items: list[Order]
        count: int

    app = FastAPI(title=f"orders ({style})", version="1.0.0")

    @app.get("/orders/{order_id}", response_model=Order)
    def get_order(
        order_id: Annotated[uuid.UUID, Field(examples=["6f1c1f36-4b51-4c35-9e7f-0e9b7b0c8a11"])],
    ) -> dict[str, Any]:
        return _order_data(order_id)

    @app.get("/orders", response_model=OrderList)
    def list_orders(limit: int = 3) -> dict[str, Any]:
        items = [_order_data() for _ in range(limit)]
        return {"items": items, "count": len(items)}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "checked_at": datetime.now(UTC).isoformat()}

    @app.get("/missing")
    def missing() -> None:
        raise HTTPException(404, "not found")

    return app


v1_app = create_app("v1")
v2_app = create_app("v2")


class NewAccount(BaseModel):
    name: str
    password: str


def create_accounts_app() -> FastAPI:
    """A stateful service: accounts are created by POST and read with a bearer token.

    The store is opened in the lifespan, so a probe run without it would fail; the token
    the service expects comes from ``ACCOUNTS_SERVER_TOKEN`` in its environment.
    """
    import os
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.accounts = {}
        yield

    app = FastAPI(title="accounts", version="1.0.0", lifespan=lifespan)

    @app.post("/accounts", status_code=201)
    def create(body: NewAccount, request: Request) -> dict[str, Any]:
        accounts = request.app.state.accounts
        account = {
            "id": len(accounts) + 1,
            "name": body.name,
            "api_token": secrets.token_hex(16),
            "created_at": datetime.now(UTC).isoformat(),
        }
        accounts[account["id"]] = account
        return account

    @app.get("/accounts/{account_id}")
    def read(account_id: int, request: Request, authorization: str = Header("")) -> Any:
        if authorization != f"Bearer {os.environ.get('ACCOUNTS_SERVER_TOKEN', '')}":
            raise HTTPException(401, "bad token")
        account = request.app.state.accounts.get(account_id)
        if account is None:
            raise HTTPException(404, "not found")
        return {k: v for k, v in account.items() if k != "api_token"}

    return app


accounts_app = create_accounts_app()
