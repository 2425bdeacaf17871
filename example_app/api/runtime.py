"""What the app holds while it runs, created at start-up and closed at shut-down."""

from __future__ import annotations

from dataclasses import dataclass

from example_app.clients.email import EmailProvider
from example_app.clients.fulfillment import FulfillmentProvider
from example_app.clients.rates import RatesClient
from example_app.db.engine import Database
from example_app.settings import Settings

__all__ = ["Runtime"]


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    database: Database
    rates: RatesClient
    email: EmailProvider
    fulfillment: FulfillmentProvider
