"""Fulfilment (provisioning the seats of an order): an interface and a logging default."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

__all__ = ["FulfillmentJob", "FulfillmentLine", "FulfillmentProvider", "LoggingFulfillmentProvider"]

log = logging.getLogger("example_app.fulfillment")


@dataclass(frozen=True)
class FulfillmentLine:
    plan: str
    seats: int


@dataclass(frozen=True)
class FulfillmentJob:
    order_id: int
    customer_email: str
    lines: tuple[FulfillmentLine, ...]


class FulfillmentProvider(Protocol):
    def queue(self, job: FulfillmentJob) -> None:
        """Queue ``job`` with the provider; raise if it was not accepted."""


class LoggingFulfillmentProvider:
    """Logs each job instead of queueing it."""

    def queue(self, job: FulfillmentJob) -> None:
        seats = sum(line.seats for line in job.lines)
        log.info("fulfilment of order %s: %s seats", job.order_id, seats)
