"""Work done after the response: the welcome e-mail and the fulfilment job.

These run as background tasks, when the client already has its 201. A provider that
fails must not take anything else down, so failures are logged (with the order or the
address, to be retried by an operator) and swallowed.
"""

from __future__ import annotations

import logging

from example_app.clients.email import EmailProvider, OutgoingEmail
from example_app.clients.fulfillment import FulfillmentJob, FulfillmentProvider

__all__ = ["queue_fulfillment", "send_welcome_email", "welcome_email"]

log = logging.getLogger("example_app.notifications")


def welcome_email(*, email: str, name: str | None) -> OutgoingEmail:
    greeting = f"Hello {name}," if name else "Hello,"
    body = f"{greeting}\n\nyour account is ready. Sign in with {email}.\n"
    return OutgoingEmail(to=email, subject="Welcome to example_app", body=body)


def send_welcome_email(provider: EmailProvider, *, email: str, name: str | None) -> None:
    try:
        provider.send(welcome_email(email=email, name=name))
    except Exception:
        log.exception("welcome e-mail to %s was not sent", email)


def queue_fulfillment(provider: FulfillmentProvider, job: FulfillmentJob) -> None:
    try:
        provider.queue(job)
    except Exception:
        log.exception("fulfilment job for order %s was not queued", job.order_id)
