"""Background tasks: the welcome e-mail and the fulfilment job reach the outside providers
with the right arguments (the providers are the only mocks), and a failing provider
changes nothing for the client."""

from __future__ import annotations

from unittest.mock import Mock

import httpx
import pytest

from example_app.clients.email import OutgoingEmail
from example_app.clients.fulfillment import FulfillmentJob, FulfillmentLine
from example_app.services.notifications import welcome_email
from tests.example_app.conftest import PASSWORD

pytestmark = pytest.mark.anyio


async def test_sign_up_sends_one_welcome_email(
    client: httpx.AsyncClient, email_provider: Mock
) -> None:
    body = {"email": "Ann@Example.com", "password": PASSWORD, "name": "Ann"}
    response = await client.post("/users/", json=body)
    assert response.status_code == 201
    email_provider.send.assert_called_once_with(
        OutgoingEmail(
            to="ann@example.com",
            subject="Welcome to example_app",
            body="Hello Ann,\n\nyour account is ready. Sign in with ann@example.com.\n",
        )
    )


async def test_welcome_email_without_a_name(
    client: httpx.AsyncClient, email_provider: Mock
) -> None:
    await client.post("/users/", json={"email": "bo@example.com", "password": PASSWORD})
    (message,), _ = email_provider.send.call_args
    assert message.body.startswith("Hello,\n")


async def test_no_email_when_sign_up_fails(client: httpx.AsyncClient, email_provider: Mock) -> None:
    await client.post("/users/", json={"email": "ann@example.com", "password": PASSWORD})
    email_provider.reset_mock()
    duplicate = await client.post(
        "/users/", json={"email": "ann@example.com", "password": PASSWORD}
    )
    invalid = await client.post("/users/", json={"email": "nope", "password": PASSWORD})
    assert (duplicate.status_code, invalid.status_code) == (409, 422)
    email_provider.send.assert_not_called()


async def test_order_queues_its_fulfilment_job(
    client: httpx.AsyncClient, auth_headers: dict[str, str], fulfillment_provider: Mock
) -> None:
    lines = [{"plan": "enterprise", "seats": 12}, {"plan": "starter", "seats": 2}]
    response = await client.post("/orders/", json={"lines": lines}, headers=auth_headers)
    assert response.status_code == 201
    fulfillment_provider.queue.assert_called_once_with(
        FulfillmentJob(
            order_id=response.json()["id"],
            customer_email="ann@example.com",
            lines=(FulfillmentLine("enterprise", 12), FulfillmentLine("starter", 2)),
        )
    )


async def test_no_job_for_a_refused_order(
    client: httpx.AsyncClient, auth_headers: dict[str, str], fulfillment_provider: Mock
) -> None:
    await client.post("/orders/", json={"lines": []}, headers=auth_headers)
    await client.post("/orders/", json={"lines": [{"plan": "pro", "seats": 1}]})
    fulfillment_provider.queue.assert_not_called()


async def test_failing_email_provider_is_logged_not_fatal(
    client: httpx.AsyncClient, email_provider: Mock, caplog: pytest.LogCaptureFixture
) -> None:
    email_provider.send.side_effect = ConnectionError("smtp down")
    response = await client.post("/users/", json={"email": "cy@example.com", "password": PASSWORD})
    assert response.status_code == 201
    assert (await client.get(f"/users/{response.json()['id']}")).status_code == 200
    assert "welcome e-mail to cy@example.com was not sent" in caplog.text


async def test_failing_fulfilment_provider_is_logged_not_fatal(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    fulfillment_provider: Mock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fulfillment_provider.queue.side_effect = TimeoutError("provider timed out")
    response = await client.post(
        "/orders/", json={"lines": [{"plan": "pro", "seats": 1}]}, headers=auth_headers
    )
    assert response.status_code == 201
    assert f"fulfilment job for order {response.json()['id']} was not queued" in caplog.text


def test_welcome_email_text() -> None:
    message = welcome_email(email="zoe@example.com", name="Zoë")
    assert message.to == "zoe@example.com"
    assert message.body.startswith("Hello Zoë,")
