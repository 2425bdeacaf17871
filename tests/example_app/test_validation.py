"""Validation: missing fields, bad formats, boundaries, absent optional fields.

Every bound the code enforces is in the schema, so these also check that the OpenAPI
document tells the truth about what is accepted.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.example_app.conftest import PASSWORD

pytestmark = pytest.mark.anyio


def _errors(response: httpx.Response) -> list[tuple[Any, ...]]:
    assert response.status_code == 422, response.text
    return [tuple(error["loc"]) for error in response.json()["detail"]]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"password": PASSWORD}, ("body", "email")),
        ({"email": "a@example.com"}, ("body", "password")),
        ({"email": "not-an-email", "password": PASSWORD}, ("body", "email")),
        ({"email": "a@", "password": PASSWORD}, ("body", "email")),
        ({"email": "a..b@example.com", "password": PASSWORD}, ("body", "email")),
        ({"email": f"{'a' * 250}@x.io", "password": PASSWORD}, ("body", "email")),
        ({"email": "a@example.com", "password": "x" * 7}, ("body", "password")),
        ({"email": "a@example.com", "password": "x" * 129}, ("body", "password")),
        ({"email": "a@example.com", "password": PASSWORD, "name": ""}, ("body", "name")),
        ({"email": "a@example.com", "password": PASSWORD, "name": "n" * 101}, ("body", "name")),
        ({"email": "a@example.com", "password": PASSWORD, "name": 7}, ("body", "name")),
        ({"email": "a@example.com", "password": PASSWORD, "admin": True}, ("body", "admin")),
        ({"email": "a@example.com", "password": "\ud800" * 8}, ("body", "password")),
        ({"email": "a@example.com", "password": PASSWORD, "name": "\udfff"}, ("body", "name")),
    ],
)
async def test_bad_sign_up_is_422_at_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], location: tuple[str, ...]
) -> None:
    # json.dumps escapes lone surrogates as \udXXX, as a hostile client would send them.
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    assert location in _errors(await client.post("/users/", content=content, headers=headers))


async def test_body_that_is_not_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/users/", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("name", "password"), [("n", "x" * 8), ("n" * 100, "x" * 128), ("Zoë 李雷 \u0000", "p" * 8)]
)
async def test_boundary_values_are_accepted(
    client: httpx.AsyncClient, name: str, password: str
) -> None:
    body = {"email": "edge@example.com", "password": password, "name": name}
    response = await client.post("/users/", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"limit": 0}, ("query", "limit")),
        ({"limit": 101}, ("query", "limit")),
        ({"limit": "ten"}, ("query", "limit")),
        ({"offset": -1}, ("query", "offset")),
        ({"offset": 1_000_001}, ("query", "offset")),
    ],
)
async def test_bad_paging_is_422(
    client: httpx.AsyncClient, params: dict[str, Any], location: tuple[str, ...]
) -> None:
    assert location in _errors(await client.get("/users/", params=params))


@pytest.mark.parametrize("params", [{"limit": 1}, {"limit": 100}, {"offset": 1_000_000}])
async def test_paging_bounds_are_accepted(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    assert (await client.get("/users/", params=params)).status_code == 200


@pytest.mark.parametrize("user_id", ["0", "-3", "abc", "1.5", str(2**63), "9" * 40])
async def test_bad_user_id_is_422_not_a_crash(client: httpx.AsyncClient, user_id: str) -> None:
    assert ("path", "user_id") in _errors(await client.get(f"/users/{user_id}"))


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({}, ("body", "lines")),
        ({"lines": []}, ("body", "lines")),
        ({"lines": [{"plan": "pro", "seats": 1}] * 21}, ("body", "lines")),
        ({"lines": [{"seats": 1}]}, ("body", "lines", 0, "plan")),
        ({"lines": [{"plan": "gold", "seats": 1}]}, ("body", "lines", 0, "plan")),
        ({"lines": [{"plan": "pro"}]}, ("body", "lines", 0, "seats")),
        ({"lines": [{"plan": "pro", "seats": 0}]}, ("body", "lines", 0, "seats")),
        ({"lines": [{"plan": "pro", "seats": 1001}]}, ("body", "lines", 0, "seats")),
        ({"lines": [{"plan": "pro", "seats": 2.5}]}, ("body", "lines", 0, "seats")),
        ({"lines": [{"plan": "pro", "seats": 1, "price": "0"}]}, ("body", "lines", 0, "price")),
    ],
)
async def test_bad_order_is_422_at_the_field(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    body: dict[str, Any],
    location: tuple[Any, ...],
) -> None:
    response = await client.post("/orders/", json=body, headers=auth_headers)
    assert location in _errors(response)


@pytest.mark.parametrize(
    "lines", [[{"plan": "starter", "seats": 1}], [{"plan": "enterprise", "seats": 1000}] * 20]
)
async def test_order_boundaries_are_accepted(
    client: httpx.AsyncClient, auth_headers: dict[str, str], lines: list[dict[str, Any]]
) -> None:
    response = await client.post("/orders/", json={"lines": lines}, headers=auth_headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"seats": 1}, ("query", "plan")),
        ({"plan": "pro"}, ("query", "seats")),
        ({"plan": "gold", "seats": 1}, ("query", "plan")),
        ({"plan": "pro", "seats": 0}, ("query", "seats")),
        ({"plan": "pro", "seats": 1001}, ("query", "seats")),
        ({"plan": "pro", "seats": 1, "currency": "usd"}, ("query", "currency")),
        ({"plan": "pro", "seats": 1, "currency": "XYZ"}, ("query", "currency")),
    ],
)
async def test_bad_quote_is_422(
    client: httpx.AsyncClient, params: dict[str, Any], location: tuple[str, ...]
) -> None:
    assert location in _errors(await client.get("/pricing/quote", params=params))


async def test_token_form_needs_username_and_password(client: httpx.AsyncClient) -> None:
    locations = _errors(await client.post("/token", data={}))
    assert ("body", "username") in locations
    assert ("body", "password") in locations


@pytest.mark.parametrize(
    ("form", "location"),
    [
        ({"username": "", "password": "x"}, ("body", "username")),
        ({"username": "a@example.com", "password": ""}, ("body", "password")),
        ({"username": "a@example.com", "password": "x" * 129}, ("body", "password")),
        ({"username": "a" * 255, "password": "x"}, ("body", "username")),
        (
            {"username": "a", "password": "x", "grant_type": "client_credentials"},
            ("body", "grant_type"),
        ),
    ],
)
async def test_bad_token_form_is_422(
    client: httpx.AsyncClient, form: dict[str, str], location: tuple[str, ...]
) -> None:
    assert location in _errors(await client.post("/token", data=form))


async def test_token_form_accepts_the_optional_oauth2_fields(client: httpx.AsyncClient) -> None:
    form = {
        "username": "nobody@example.com",
        "password": "x",
        "grant_type": "password",
        "scope": "profile",
        "client_id": "cli",
        "client_secret": "s",
    }
    assert (await client.post("/token", data=form)).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/users/", "GET, POST"),
        ("DELETE", "/users/1", "GET"),
        ("GET", "/token", "POST"),
        ("PATCH", "/orders/", "POST"),
    ],
)
async def test_wrong_method_is_405_listing_every_allowed_method(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}
