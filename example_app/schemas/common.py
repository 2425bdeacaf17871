"""Types shared by several schemas."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["MAX_ID", "ErrorOut", "Page", "encodable"]

# SQLite integers are signed 64-bit; a larger id cannot exist and must not reach SQL.
MAX_ID = 2**63 - 1

T = TypeVar("T")


def encodable(value: str) -> str:
    """Refuse text that cannot be stored or sent as UTF-8 (lone surrogates from JSON escapes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(encodable)]


class ErrorOut(BaseModel):
    """Every error but validation errors (which FastAPI reports as a list) has this shape."""

    detail: str = Field(examples=["user 42 not found"])


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    total: int = Field(ge=0, description="how many there are in all, across every page")
    limit: int
    offset: int
