"""The exchange-rate service this app depends on: ``GET {RATES_API_URL}/rates/{base}``.

It answers ``{"base": "EUR", "rates": {"USD": 1.08, ...}, "updated_at": "..."}``. Every
way it can fail becomes one of two errors: it could not be reached in time
(:class:`RatesUnavailableError`, a 503 for our clients) or it answered something we
cannot use (:class:`RatesBadResponseError`, a 502). Nothing else escapes, so a broken
downstream never turns into a 500 here.

The surface is small on purpose: :class:`RatesClient` wraps an ``httpx.AsyncClient``
made by :func:`build_http_client`, which is where a transport (a recorder, a stub) can be
slotted in. :func:`drift_checking_transport` is the recorder: driftguard's downstream-drift
transport, which compares the shape of every answer with the one recorded under
``DOWNSTREAM_SNAPSHOTS`` and logs (or, in tests, raises) when the service has drifted.
"""

from __future__ import annotations

import functools
import ssl
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from example_app.errors import DownstreamError, DownstreamUnavailableError

__all__ = [
    "ExchangeRates",
    "RatesBadResponseError",
    "RatesClient",
    "RatesUnavailableError",
    "build_http_client",
    "drift_checking_transport",
]

# Bounded, so that converting a price can neither overflow nor be a nonsense amount.
PositiveRate = Annotated[Decimal, Field(gt=0, le=1_000_000, allow_inf_nan=False)]


class RatesUnavailableError(DownstreamUnavailableError):
    """The rates service could not be reached, timed out or said it is unavailable."""


class RatesBadResponseError(DownstreamError):
    """The rates service answered, but not with rates we can use."""


class ExchangeRates(BaseModel):
    """What the rates service promises to send (extra fields are tolerated)."""

    model_config = ConfigDict(frozen=True)

    base: str
    rates: dict[str, PositiveRate]
    updated_at: AwareDatetime

    def rate(self, currency: str) -> Decimal:
        """How many ``currency`` one unit of ``base`` buys."""
        if currency == self.base:
            return Decimal(1)
        try:
            return self.rates[currency]
        except KeyError:
            raise RatesBadResponseError(
                f"exchange-rate service has no {currency} rate for {self.base}"
            ) from None


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes tens of milliseconds; one context serves every client."""
    return httpx.create_ssl_context()


def build_http_client(
    base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The HTTP client the rates client talks through."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        transport=transport,
        verify=_tls_context(),
        headers={"Accept": "application/json", "User-Agent": "example_app"},
        follow_redirects=False,
    )


def drift_checking_transport(
    directory: Path, *, on_drift: Literal["warn", "raise"] = "warn"
) -> httpx.AsyncBaseTransport:
    """The real transport, wrapped by driftguard's downstream-drift recorder.

    A renamed or retyped field upstream first shows here as one log line naming the
    field (``rates/get-rates-base: updated_at -> updatedAt``) instead of as a vague 502.
    ``DRIFTGUARD_DOWNSTREAM=record`` records the shapes (never while ``CI`` is set).
    """
    from driftguard.snapshots.downstream import DriftRecorder

    recorder = DriftRecorder(
        directory, service="rates", routes=["GET /rates/{base}"], on_drift=on_drift
    )
    return recorder.transport(httpx.AsyncHTTPTransport(verify=_tls_context()))


class RatesClient:
    """Reads exchange rates; raises only RatesUnavailableError or RatesBadResponseError."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def get_rates(self, base: str) -> ExchangeRates:
        try:
            response = await self.http.get(f"/rates/{base}")
        except httpx.TimeoutException:
            raise RatesUnavailableError("exchange-rate service timed out") from None
        except httpx.HTTPError:
            raise RatesUnavailableError("exchange-rate service unreachable") from None
        if response.status_code in (429, 502, 503, 504):
            raise RatesUnavailableError(
                f"exchange-rate service unavailable (HTTP {response.status_code})"
            )
        if response.status_code != 200:
            raise RatesBadResponseError(
                f"exchange-rate service answered HTTP {response.status_code}"
            )
        try:
            rates = ExchangeRates.model_validate_json(response.content)
        except ValidationError:
            raise RatesBadResponseError("exchange-rate service sent an unexpected body") from None
        if rates.base != base:
            raise RatesBadResponseError(
                f"exchange-rate service sent {rates.base} rates when asked for {base}"
            )
        return rates

    async def aclose(self) -> None:
        await self.http.aclose()
