"""The application factory: settings in, a configured FastAPI app out."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from sqlalchemy.exc import SQLAlchemyError

from example_app.api.errors import install_error_handlers
from example_app.api.routers import admin, auth, health, orders, pricing, users
from example_app.api.runtime import Runtime
from example_app.clients.email import LoggingEmailProvider
from example_app.clients.fulfillment import LoggingFulfillmentProvider
from example_app.clients.rates import RatesClient, build_http_client, drift_checking_transport
from example_app.db.engine import Database
from example_app.errors import StartupError
from example_app.middleware.rate_limit import RateLimitMiddleware
from example_app.middleware.startup import StartupErrorMiddleware
from example_app.settings import Settings, SettingsError, load_settings

__all__ = ["create_app"]

log = logging.getLogger("example_app")

DESCRIPTION = """\
A small subscription shop: accounts, seat-based plan pricing, orders, and quotes in
other currencies through an exchange-rate service. It exists to show driftguard at work.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; with no ``settings``, they are read from the environment.

    Invalid settings do not stop the app from being *built* (its OpenAPI document does
    not depend on them, so tools can still read it); they stop it from *starting*.
    """
    problem: SettingsError | None = None
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as error:
            problem = error

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings is None:
            raise StartupError(f"invalid configuration: {problem}")
        runtime = _start(settings)
        app.state.runtime = runtime
        try:
            yield
        finally:
            del app.state.runtime
            await runtime.rates.aclose()
            runtime.database.close()

    app = FastAPI(
        title="example_app",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    for router in (users.router, auth.router, admin.router, orders.router, pricing.router):
        app.include_router(router)
    app.include_router(health.router)
    install_error_handlers(app)
    if settings is not None:
        # Added last = outermost: CORS headers reach even rate-limited responses.
        app.add_middleware(
            RateLimitMiddleware,
            limit=settings.rate_limit,
            window=settings.rate_limit_window_seconds,
        )
        if settings.cors_origins:
            app.add_middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            )
    app.add_middleware(StartupErrorMiddleware)
    return app


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the handler names (``create_user``), stable across refactors."""
    return route.name


def _start(settings: Settings) -> Runtime:
    database = Database(settings.database_path)
    try:
        database.create_tables()
    except (SQLAlchemyError, sqlite3.Error) as error:
        database.close()
        reason = getattr(error, "orig", None) or error
        raise StartupError(
            f"cannot open the database {settings.database_path}"
            f" (DATABASE_PATH): {str(reason).splitlines()[0]}"
        ) from None
    transport = None
    if settings.downstream_snapshots is not None:
        transport = drift_checking_transport(
            settings.downstream_snapshots, on_drift=settings.downstream_drift
        )
    http = build_http_client(
        settings.rates_api_url, timeout=settings.rates_timeout_seconds, transport=transport
    )
    log.info("example_app started with database %s", settings.database_path)
    return Runtime(
        settings=settings,
        database=database,
        rates=RatesClient(http),
        email=LoggingEmailProvider(),
        fulfillment=LoggingFulfillmentProvider(),
    )
