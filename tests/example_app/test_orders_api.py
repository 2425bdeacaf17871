"""Integration, in-process: placing orders and reading them back; every status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.example_app.conftest import sign_up

pytestmark = pytest.mark.anyio

TWO_LINES = {"lines": [{"plan": "pro", "seats": 10}, {"plan": "starter", "seats": 1}]}


async def test_order_is_priced_line_by_line(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    before = datetime.now(UTC)
    response = await client.post("/orders/", json=TWO_LINES, headers=auth_headers)
    assert response.status_code == 201
    order = response.json()
    me = (await client.get("/profile", headers=auth_headers)).json()
    assert order["user_id"] == me["id"]
    assert order["currency"] == "EUR"
    assert order["lines"] == [
        {"plan": "pro", "seats": 10, "unit_price": "89.10", "amount": "891.00"},
        {"plan": "starter", "seats": 1, "unit_price": "49.00", "amount": "49.00"},
    ]
    assert order["total"] == "940.00"
    created = datetime.fromisoformat(order["created_at"])
    assert created.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC)


async def test_order_reads_back_unchanged(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    created = (await client.post("/orders/", json=TWO_LINES, headers=auth_headers)).json()
    response = await client.get(f"/orders/{created['id']}", headers=auth_headers)
    assert response.status_code == 200
    assert response.json() == created


async def test_ordering_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.post("/orders/", json=TWO_LINES)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_reading_an_order_needs_a_token(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    created = (await client.post("/orders/", json=TWO_LINES, headers=auth_headers)).json()
    assert (await client.get(f"/orders/{created['id']}")).status_code == 401


async def test_unknown_order_is_404(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.get("/orders/424242", headers=auth_headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "order 424242 not found"}


async def test_someone_elses_order_is_404_not_403(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    created = (await client.post("/orders/", json=TWO_LINES, headers=auth_headers)).json()
    stranger = await sign_up(client, "eve@example.com")
    response = await client.get(f"/orders/{created['id']}", headers=stranger)
    assert response.status_code == 404
    assert response.json() == {"detail": f"order {created['id']} not found"}


async def test_admin_reads_any_order(
    client: httpx.AsyncClient, auth_headers: dict[str, str], admin_headers: dict[str, str]
) -> None:
    created = (await client.post("/orders/", json=TWO_LINES, headers=auth_headers)).json()
    response = await client.get(f"/orders/{created['id']}", headers=admin_headers)
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("order_id", ["0", "x", str(2**63)])
async def test_bad_order_id_is_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str], order_id: str
) -> None:
    assert (await client.get(f"/orders/{order_id}", headers=auth_headers)).status_code == 422


async def test_ids_increase(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    ids = [
        (await client.post("/orders/", json=TWO_LINES, headers=auth_headers)).json()["id"]
        for _ in range(3)
    ]
    assert ids == sorted(set(ids))
