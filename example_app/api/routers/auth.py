"""OAuth2 password flow and the caller's own profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form

from example_app.api.dependencies import CurrentUser, ReadSession, get_settings
from example_app.api.responses import BAD_BODY, RATE_LIMITED, UNAUTHORIZED
from example_app.schemas.auth import TokenForm, TokenOut
from example_app.schemas.users import AccountOut
from example_app.services import users
from example_app.settings import Settings

router = APIRouter(tags=["auth"], responses=RATE_LIMITED)


@router.post("/token", response_model=TokenOut, responses={**BAD_BODY, **UNAUTHORIZED})
def issue_token(
    form: Annotated[TokenForm, Form()],
    session: ReadSession,
    settings: Annotated[Settings, Depends(get_settings)],
) -> TokenOut:
    """Exchange an e-mail address (as ``username``) and password for a bearer token."""
    token = users.log_in(
        session,
        email=form.username,
        password=form.password,
        secret=settings.secret_key,
        ttl_seconds=settings.access_token_ttl_seconds,
    )
    return TokenOut(access_token=token.token, expires_in=token.expires_in)


@router.get("/profile", response_model=AccountOut, responses=UNAUTHORIZED)
def profile(user: CurrentUser) -> AccountOut:
    return AccountOut.model_validate(user)
