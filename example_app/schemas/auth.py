"""The OAuth2 token response (RFC 6749 section 5.1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["TokenOut"]


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires", examples=[1800])
