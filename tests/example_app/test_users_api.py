"""Integration, in-process: sign-up, one user, the user list; every status they return."""

from __future__ import annotations

import httpx
import pytest

from tests.example_app.conftest import PASSWORD

pytestmark = pytest.mark.anyio


async def test_sign_up_returns_the_user_without_secrets(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/users/", json={"email": "ann@example.com", "name": "Ann Lee", "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "name", "created_at"}
    assert body["email"] == "ann@example.com"
    assert body["name"] == "Ann Lee"
    assert body["created_at"].endswith("Z")
    assert PASSWORD not in response.text


async def test_name_is_optional(client: httpx.AsyncClient) -> None:
    response = await client.post("/users/", json={"email": "bo@example.com", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json()["name"] is None


async def test_duplicate_email_is_409_whatever_its_case(client: httpx.AsyncClient) -> None:
    first = await client.post("/users/", json={"email": "Ann@Example.com", "password": PASSWORD})
    assert first.json()["email"] == "ann@example.com"
    again = await client.post("/users/", json={"email": "ann@example.COM", "password": PASSWORD})
    assert again.status_code == 409
    assert again.json() == {"detail": "a user with this e-mail address already exists"}


async def test_get_user(client: httpx.AsyncClient) -> None:
    created = (
        await client.post("/users/", json={"email": "cy@example.com", "password": PASSWORD})
    ).json()
    response = await client.get(f"/users/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("user_id", [1, 999, 2**63 - 1])
async def test_unknown_user_is_404_saying_not_found(
    client: httpx.AsyncClient, user_id: int
) -> None:
    response = await client.get(f"/users/{user_id}")
    assert response.status_code == 404
    assert "not found" in response.json()["detail"]


async def test_list_pages_through_users_with_a_total(client: httpx.AsyncClient) -> None:
    emails = [f"user{n}@example.com" for n in range(5)]
    for email in emails:
        await client.post("/users/", json={"email": email, "password": PASSWORD})
    first = (await client.get("/users/", params={"limit": 2})).json()
    assert [user["email"] for user in first["items"]] == emails[:2]
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    last = (await client.get("/users/", params={"limit": 2, "offset": 4})).json()
    assert [user["email"] for user in last["items"]] == emails[4:]
    beyond = (await client.get("/users/", params={"offset": 10})).json()
    assert beyond == {"items": [], "total": 5, "limit": 20, "offset": 10}


async def test_empty_list(client: httpx.AsyncClient) -> None:
    response = await client.get("/users/")
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("dev@shop.test", "dev@shop.test"),  # special-use domains are valid addresses
        ("Zoë@Bücher.example", "zoë@bücher.example"),
        ("o'brien+tag@example.ie", "o'brien+tag@example.ie"),
    ],
)
async def test_valid_addresses_are_accepted_and_normalized(
    client: httpx.AsyncClient, sent: str, stored: str
) -> None:
    response = await client.post("/users/", json={"email": sent, "password": PASSWORD})
    assert response.status_code == 201, response.text
    assert response.json()["email"] == stored
