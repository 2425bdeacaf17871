"""Concurrency: many simultaneous order creations, in-process and over real HTTP through
uvicorn on 127.0.0.1; every one succeeds and every id is unique."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from example_app.db.engine import Database
from example_app.settings import Settings
from tests.example_app.conftest import PASSWORD, log_in, sign_up
from tests.servers import serve

pytestmark = pytest.mark.anyio

ORDERS = 60
ORDER = {"lines": [{"plan": "pro", "seats": 3}, {"plan": "enterprise", "seats": 10}]}


async def _place_all(client: httpx.AsyncClient, users: list[dict[str, str]]) -> list[int]:
    responses = await asyncio.gather(
        *(client.post("/orders/", json=ORDER, headers=users[n % len(users)]) for n in range(ORDERS))
    )
    assert [r.status_code for r in responses] == [201] * ORDERS, {
        r.status_code: r.text for r in responses if r.status_code != 201
    }
    return [r.json()["id"] for r in responses]


def _stored_orders(settings: Settings) -> tuple[int, int]:
    from sqlalchemy import func, select

    from example_app.db.models import Order, OrderLine

    database = Database(settings.database_path)
    try:
        with database.reader() as session:
            orders = session.scalar(select(func.count()).select_from(Order)) or 0
            lines = session.scalar(select(func.count()).select_from(OrderLine)) or 0
    finally:
        database.close()
    return orders, lines


async def test_simultaneous_orders_in_process(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    users = [await sign_up(client, f"buyer{n}@example.com") for n in range(3)]
    ids = await _place_all(client, users)
    assert len(set(ids)) == ORDERS
    assert _stored_orders(settings) == (ORDERS, 2 * ORDERS)


async def test_simultaneous_sign_ups_of_one_address_make_one_account(
    client: httpx.AsyncClient,
) -> None:
    body = {"email": "race@example.com", "password": PASSWORD}
    responses = await asyncio.gather(*(client.post("/users/", json=body) for _ in range(8)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7


async def test_simultaneous_orders_over_real_http(app: FastAPI, settings: Settings) -> None:
    with serve(app) as base_url:
        limits = httpx.Limits(max_connections=ORDERS)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
            users = [await sign_up(client, f"buyer{n}@example.com") for n in range(3)]
            ids = await _place_all(client, users)
            readback = await asyncio.gather(
                *(client.get(f"/orders/{i}", headers=users[0]) for i in ids[:: len(users)])
            )
    assert len(set(ids)) == ORDERS
    assert all(r.status_code == 200 for r in readback)
    assert _stored_orders(settings) == (ORDERS, 2 * ORDERS)


async def test_reads_are_served_while_orders_are_written(
    client: httpx.AsyncClient,
) -> None:
    """Readers never wait for the writer (WAL): listing during a burst of writes works."""
    headers = await sign_up(client, "buyer@example.com")
    writes = [client.post("/orders/", json=ORDER, headers=headers) for _ in range(20)]
    reads = [client.get("/users/") for _ in range(20)]
    results = await asyncio.gather(*writes, *reads)
    assert {r.status_code for r in results[:20]} == {201}
    assert {r.status_code for r in results[20:]} == {200}
    assert (await log_in(client, "buyer@example.com"))["Authorization"].startswith("Bearer ")
