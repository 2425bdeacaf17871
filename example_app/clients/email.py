"""Sending e-mail: an interface, and the provider used when none is configured.

Production plugs a real provider (SMTP, SES, Postmark...) in here; the default one only
logs, the way Django's console e-mail backend does, so a local run sends nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

__all__ = ["EmailProvider", "LoggingEmailProvider", "OutgoingEmail"]

log = logging.getLogger("example_app.email")


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str


class EmailProvider(Protocol):
    def send(self, message: OutgoingEmail) -> None:
        """Hand ``message`` to the provider; raise if it was not accepted."""


class LoggingEmailProvider:
    """Logs each message instead of sending it."""

    def send(self, message: OutgoingEmail) -> None:
        log.info("e-mail to %s: %s", message.to, message.subject)
