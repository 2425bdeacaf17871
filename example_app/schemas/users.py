"""Accounts as the API sees them (never with the password hash)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from example_app.schemas.common import Email, Text

__all__ = ["AccountOut", "UserCreate", "UserOut"]

NAME_MAX = 100
PASSWORD_MIN, PASSWORD_MAX = 8, 128


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(examples=["ann@example.com"])
    name: Annotated[Text, Field(min_length=1, max_length=NAME_MAX)] | None = Field(
        default=None, examples=["Ann Lee"]
    )
    password: Annotated[Text, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)] = Field(
        examples=["correct horse battery"]
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(examples=[1])
    email: str = Field(examples=["ann@example.com"])
    name: str | None = Field(examples=["Ann Lee"])
    created_at: AwareDatetime


class AccountOut(UserOut):
    """A user with the role they hold: for the user themselves and for admins."""

    is_admin: bool
