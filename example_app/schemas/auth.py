"""The OAuth2 password-flow form and token response (RFC 6749 sections 4.3 and 5.1)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from example_app.schemas.common import EMAIL_MAX
from example_app.schemas.users import PASSWORD_MAX

__all__ = ["TokenForm", "TokenOut"]


class TokenForm(BaseModel):
    """The fields of FastAPI's ``OAuth2PasswordRequestForm`` this app uses, truly bounded.

    FastAPI reads an empty form field as a missing one, so an empty ``username`` is
    refused: the schema says so (``minLength: 1``) instead of claiming "" is valid.
    Nullable fields are left out (a form cannot send null); other OAuth2 fields a
    client sends (``scope``, ``client_id``) are ignored, as this app has no use for them.
    """

    grant_type: Literal["password"] = "password"
    username: Annotated[
        str, Field(min_length=1, max_length=EMAIL_MAX, description="the e-mail address")
    ]
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX)]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires", examples=[1800])
