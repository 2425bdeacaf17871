"""A stub exchange-rate service for tests, served for real on 127.0.0.1.

Stateless: the behaviour is chosen by the first path segment, so one server serves
every test and a test picks a behaviour by the base URL it gives the app
(``{base}/ok``, ``{base}/down``...).
"""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["SLOW_SECONDS", "rates_stub"]

SLOW_SECONDS = 1.0
RATES = {"USD": 1.085, "GBP": 0.856, "CHF": 0.942, "SEK": 11.47}
UPDATED_AT = "2025-01-02T16:00:00Z"


async def rates(request: Request) -> Response:
    mode, base = request.path_params["mode"], request.path_params["base"]
    body = {"base": base, "rates": RATES, "updated_at": UPDATED_AT}
    if mode == "ok":
        return JSONResponse(body)
    if mode == "slow":
        await asyncio.sleep(SLOW_SECONDS)
        return JSONResponse(body)
    if mode == "down":
        return JSONResponse({"detail": "maintenance"}, status_code=503)
    if mode == "error":
        return JSONResponse({"detail": "boom"}, status_code=500)
    if mode == "html":
        return Response("<html>gateway error</html>", media_type="text/html")
    if mode == "renamed":  # the downstream renamed a field: drift
        return JSONResponse({"base": base, "exchange_rates": RATES, "updated_at": UPDATED_AT})
    if mode == "no-usd":
        return JSONResponse({**body, "rates": {"GBP": 0.856}})
    if mode == "other-base":
        return JSONResponse({**body, "base": "USD"})
    if mode == "negative":
        return JSONResponse({**body, "rates": {**RATES, "USD": -1}})
    return JSONResponse({"detail": "no such stub mode"}, status_code=404)


def rates_stub() -> Starlette:
    return Starlette(routes=[Route("/{mode}/rates/{base}", rates)])
