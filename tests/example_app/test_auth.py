"""Auth: the token endpoint, then no token, valid, expired, forged, insufficient role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from example_app.services.tokens import issue_token
from example_app.settings import Settings
from tests.example_app.conftest import PASSWORD, SECRET, log_in, sign_up

pytestmark = pytest.mark.anyio


async def test_token_for_good_credentials(client: httpx.AsyncClient, settings: Settings) -> None:
    await client.post("/users/", json={"email": "ann@example.com", "password": PASSWORD})
    response = await client.post(
        "/token", data={"username": "ANN@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_ttl_seconds
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == settings.access_token_ttl_seconds


@pytest.mark.parametrize(
    ("username", "password"),
    [("ann@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
async def test_bad_credentials_are_401_and_say_the_same(
    client: httpx.AsyncClient, username: str, password: str
) -> None:
    await client.post("/users/", json={"email": "ann@example.com", "password": PASSWORD})
    response = await client.post("/token", data={"username": username, "password": password})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "incorrect e-mail address or password"}


async def test_profile_with_a_valid_token(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.get("/profile", headers=auth_headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["name"], body["is_admin"]) == ("ann@example.com", "Ann", False)


async def test_no_token_is_401_with_www_authenticate(client: httpx.AsyncClient) -> None:
    response = await client.get("/profile")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer not.a.token", "Basic YW5uOnB3", "Bearer " + "x" * 5000]
)
async def test_malformed_token_is_401(client: httpx.AsyncClient, authorization: str) -> None:
    response = await client.get("/profile", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_expired_token_is_401(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    profile = (await client.get("/profile", headers=auth_headers)).json()
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    expired = issue_token(profile["id"], secret=SECRET, ttl_seconds=60, now=an_hour_ago)
    response = await client.get("/profile", headers={"Authorization": f"Bearer {expired.token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "could not validate credentials: token expired"


async def test_forged_token_is_401(client: httpx.AsyncClient, auth_headers: dict[str, str]) -> None:
    """Signed with another key, for a real user id: the signature gives it away."""
    profile = (await client.get("/profile", headers=auth_headers)).json()
    forged = issue_token(profile["id"], secret="attacker-key-" + "x" * 40, ttl_seconds=60)
    response = await client.get("/profile", headers={"Authorization": f"Bearer {forged.token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "could not validate credentials: token invalid"


async def test_tampered_token_is_401(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Someone else's id pasted into a real token's payload breaks the signature."""
    await sign_up(client, "bo@example.com")
    token = auth_headers["Authorization"].removeprefix("Bearer ")
    header, _, signature = token.split(".")
    other = jwt.encode({"sub": "2", "iat": 0, "exp": 2**40}, "k" * 32).split(".")[1]
    response = await client.get(
        "/profile", headers={"Authorization": f"Bearer {header}.{other}.{signature}"}
    )
    assert response.status_code == 401


async def test_token_of_a_user_that_does_not_exist_is_401(client: httpx.AsyncClient) -> None:
    token = issue_token(12345, secret=SECRET, ttl_seconds=60)
    response = await client.get("/profile", headers={"Authorization": f"Bearer {token.token}"})
    assert response.status_code == 401
    assert "user no longer exists" in response.json()["detail"]


async def test_admin_list_needs_the_admin_role(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.get("/admin/users", headers=auth_headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "this needs the admin role"}


async def test_admin_list_needs_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/users")).status_code == 401


async def test_admin_sees_every_account_with_its_role(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await sign_up(client, "bo@example.com")
    response = await client.get("/admin/users", headers=admin_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    roles = {user["email"]: user["is_admin"] for user in body["items"]}
    assert roles == {"root@example.com": True, "bo@example.com": False}


async def test_role_is_read_on_each_request_not_from_the_token(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """A token issued before the promotion works as an admin's right after it."""
    from tests.example_app.conftest import make_admin

    headers = await sign_up(client, "late@example.com")
    assert (await client.get("/admin/users", headers=headers)).status_code == 403
    make_admin(settings, "late@example.com")
    assert (await client.get("/admin/users", headers=headers)).status_code == 200


async def test_admin_paging_bounds(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.get("/admin/users", params={"limit": 101}, headers=admin_headers)
    assert response.status_code == 422
    response = await client.get("/admin/users", params={"limit": 1}, headers=admin_headers)
    assert [user["email"] for user in response.json()["items"]] == ["root@example.com"]


async def test_log_in_helper_matches_the_flow(client: httpx.AsyncClient) -> None:
    await client.post("/users/", json={"email": "cy@example.com", "password": PASSWORD})
    headers = await log_in(client, "cy@example.com")
    assert (await client.get("/profile", headers=headers)).json()["email"] == "cy@example.com"
