"""example_app's contract, pinned with driftguard's own pytest fixture (dogfooding).

Each test drives a main route the way a client does and hands the response to
``driftguard.check``: status, media type and the shape of the body are compared with the
committed snapshot under ``snapshots/tests/``; ids, e-mails and timestamps that change on
every run are values, never compared. ``check_schema`` pins the whole OpenAPI document.
After an intended change: ``pytest tests/example_app/test_contract.py --driftguard-update``.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from example_app.app import create_app
from example_app.settings import Settings
from tests.example_app.running import in_process_client

pytestmark = pytest.mark.anyio

ORDER = {"lines": [{"plan": "pro", "seats": 10}, {"plan": "starter", "seats": 1}]}


def test_openapi_document(app: FastAPI, driftguard: Any) -> None:
    driftguard.check_schema(app)


async def test_sign_up_and_read_back(client: httpx.AsyncClient, driftguard: Any) -> None:
    created = await client.post(
        "/users/", json={"email": "ada@example.com", "password": "correct horse battery"}
    )
    driftguard.check(created, name="created")
    driftguard.check(await client.get(f"/users/{created.json()['id']}"), name="read")


async def test_errors_keep_their_shape(client: httpx.AsyncClient, driftguard: Any) -> None:
    driftguard.check(await client.get("/users/999"), name="not-found")
    driftguard.check(await client.post("/users/", json={"email": "nope"}), name="invalid")


async def test_user_list_page(
    client: httpx.AsyncClient, auth_headers: dict[str, str], driftguard: Any
) -> None:
    driftguard.check(await client.get("/users/", params={"limit": 5}))


async def test_token_and_profile(
    client: httpx.AsyncClient, auth_headers: dict[str, str], driftguard: Any
) -> None:
    token = await client.post(
        "/token", data={"username": "ann@example.com", "password": "correct horse battery"}
    )
    driftguard.check(token, name="token")
    driftguard.check(await client.get("/profile", headers=auth_headers), name="profile")
    driftguard.check(await client.get("/profile"), name="no-token")


async def test_admin_user_list(
    client: httpx.AsyncClient, admin_headers: dict[str, str], driftguard: Any
) -> None:
    driftguard.check(await client.get("/admin/users", headers=admin_headers))


async def test_place_and_read_an_order(
    client: httpx.AsyncClient, auth_headers: dict[str, str], driftguard: Any
) -> None:
    placed = await client.post("/orders/", json=ORDER, headers=auth_headers)
    driftguard.check(placed, name="placed")
    read = await client.get(f"/orders/{placed.json()['id']}", headers=auth_headers)
    driftguard.check(read, name="read")


async def test_price_list(client: httpx.AsyncClient, driftguard: Any) -> None:
    driftguard.check(await client.get("/pricing/plans"))


async def test_quotes_with_and_without_conversion(
    settings: Settings, rates_server: str, driftguard: Any
) -> None:
    started: AbstractAsyncContextManager[httpx.AsyncClient] = in_process_client(
        create_app(settings.model_copy(update={"rates_api_url": f"{rates_server}/ok"}))
    )
    async with started as client:
        for currency in ("EUR", "USD"):
            params: dict[str, str | int] = {"plan": "pro", "seats": 3, "currency": currency}
            driftguard.check(await client.get("/pricing/quote", params=params), name=currency)
