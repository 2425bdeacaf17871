"""Everything a route needs, as FastAPI dependencies; tests override the providers here.

The app keeps its :class:`Runtime` on ``app.state`` (not in lifespan state, which
servers copy into each request but in-process transports such as httpx's
``ASGITransport`` do not), so it works under uvicorn and in-process alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from example_app.api.runtime import Runtime
from example_app.clients.email import EmailProvider
from example_app.clients.fulfillment import FulfillmentProvider
from example_app.db.models import User
from example_app.errors import PermissionDeniedError
from example_app.services.quotes import RatesSource
from example_app.services.users import user_for_token
from example_app.settings import Settings

__all__ = [
    "AdminUser",
    "CurrentUser",
    "ReadSession",
    "WriteSession",
    "get_email_provider",
    "get_fulfillment_provider",
    "get_rates",
    "get_runtime",
    "get_settings",
]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise RuntimeError("example_app has not started: run it with its lifespan")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


def read_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.database.reader() as session:
        yield session


def write_session(runtime: RuntimeDep) -> Iterator[Session]:
    with runtime.database.writer() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]


def get_email_provider(runtime: RuntimeDep) -> EmailProvider:
    return runtime.email


def get_fulfillment_provider(runtime: RuntimeDep) -> FulfillmentProvider:
    return runtime.fulfillment


def get_rates(runtime: RuntimeDep) -> RatesSource:
    return runtime.rates


def current_user(
    token: Annotated[str, Depends(oauth2_scheme)],
    session: ReadSession,
    settings: Annotated[Settings, Depends(get_settings)],
) -> User:
    return user_for_token(session, token, secret=settings.secret_key)


CurrentUser = Annotated[User, Depends(current_user)]


def admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise PermissionDeniedError("this needs the admin role")
    return user


AdminUser = Annotated[User, Depends(admin_user)]
