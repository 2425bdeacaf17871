"""Types shared by several schemas."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

__all__ = ["EMAIL_MAX", "MAX_ID", "Email", "ErrorOut", "Page", "Text", "email_address", "encodable"]

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

EMAIL_MAX = 254  # RFC 5321's limit on a forward path, which email-validator enforces


def email_address(value: str) -> str:
    """A syntactically valid address, normalized and lower-cased.

    Pydantic's ``EmailStr`` (the same validator, the same rules), except that ``.test``
    addresses (reserved for testing by RFC 2606) are accepted: staging systems and API
    fuzzers use them, and the published ``format: email`` accepts them too.
    Deliverability is not checked (no DNS look-ups on a request path).
    """
    try:
        address = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return address.normalized.lower()


Email = Annotated[
    str,
    AfterValidator(email_address),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": EMAIL_MAX}),
]


class ErrorOut(BaseModel):
    """Every error but validation errors (which FastAPI reports as a list) has this shape."""

    detail: str = Field(examples=["user 42 not found"])


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    total: int = Field(ge=0, description="how many there are in all, across every page")
    limit: int
    offset: int
