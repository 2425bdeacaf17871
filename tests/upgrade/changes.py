"""Every real change of the upgrade pair, and the findings driftguard reports for each.

A change is one thing the upgrade did (one cause, however many operations and probes show
it). Its findings are keyed ``(source, id, where, path)``: for a response finding ``where``
is the probe and ``path`` its ``details.path``; for a schema finding ``where`` is the
operation and ``path`` its location. Together the changes account for every finding of
``check`` against the Pydantic 2 side, and nothing else: the ids, tokens and clocks that
differ on every call cause none.

Two changes are real but are not reported, and are listed apart (:data:`UNREPORTED`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CHANGES", "UNREPORTED", "Change", "Key", "expected"]

Key = tuple[str, str, str, str]
"""``(source, id, where, path)``: see the module docstring."""


@dataclass(frozen=True)
class Change:
    name: str
    what: str
    findings: frozenset[Key]


def wire(rule: str, *seen: tuple[str, str]) -> set[Key]:
    """Response findings of ``rule`` at ``(probe, path)`` pairs."""
    return {("response", rule, probe, path) for probe, path in seen}


def doc(rule: str, *seen: tuple[str, str]) -> set[Key]:
    """Schema findings of ``rule`` at ``(operation, location)`` pairs."""
    return {("schema", rule, operation, location) for operation, location in seen}


def each(probes: Iterable[str], path: str) -> list[tuple[str, str]]:
    return [(probe, path) for probe in probes]


def ok(operation: str, status: str, location: str) -> tuple[str, str]:
    return (operation, f"response {status} application/json {location}")


BOOK_LISTS = ("books", "books-by-genre")
ORDERS = (("order", "GET /orders/{order_id}", "200"), ("create-order", "POST /orders", "201"))
# Every operation with a parameter or a body documents FastAPI's 422 ValidationError.
VALIDATED = (
    "GET /authors/{author_id}",
    "GET /books",
    "GET /books/{book_id}",
    "GET /books/{book_id}/reviews",
    "GET /orders/{order_id}",
    "POST /books/{book_id}/reviews",
    "POST /orders",
    "POST /token",
)
INVALID = ("books-bad-query", "book-not-an-id", "post-review-invalid", "create-order-invalid")
TOKEN_FORM = "request body application/x-www-form-urlencoded"

CHANGES = (
    Change(
        "decimal-as-string",
        'a Decimal is sent as a string (12.50 -> "12.50"), documented as a string; '
        "the price's ge=0 minimum goes with the number type",
        frozenset(
            wire(
                "response-field-type-changed",
                ("book", "$.price"),
                *each(BOOK_LISTS, "$[*].price"),
                ("me", "$.discount"),
                *[
                    (probe, path)
                    for probe, _, _ in ORDERS
                    for path in ("$.subtotal", "$.shipping", "$.total", "$.lines[*].unit_price")
                ],
            )
            | doc(
                "response-property-type-changed",
                ok("GET /books/{book_id}", "200", "/price"),
                ok("GET /books", "200", "/[]/price"),
                ok("GET /me", "200", "/discount"),
                *[
                    ok(operation, status, path)
                    for _, operation, status in ORDERS
                    for path in ("/subtotal", "/shipping", "/total", "/lines/[]/unit_price")
                ],
            )
            | doc(
                "response-property-min-unset",
                ok("GET /books/{book_id}", "200", "/price"),
                ok("GET /books", "200", "/[]/price"),
            )
        ),
    ),
    Change(
        "datetime-z",
        "a UTC datetime ends in Z instead of +00:00 (the document says date-time in both)",
        frozenset(
            wire(
                "response-field-format-changed",
                ("book", "$.added_at"),
                *each(BOOK_LISTS, "$[*].added_at"),
                ("me", "$.member_since"),
                ("reviews", "$[*].posted_at"),
                ("post-review", "$.posted_at"),
                ("order", "$.placed_at"),
                ("create-order", "$.placed_at"),
                ("get-health", "$.checked_at"),
            )
        ),
    ),
    Change(
        "timedelta-as-duration",
        'a timedelta is an ISO 8601 duration ("PT9H20M") instead of float seconds, '
        "documented as string/duration instead of number/time-delta",
        frozenset(
            wire(
                "response-field-type-changed",
                ("book", "$.reading_time"),
                *each(BOOK_LISTS, "$[*].reading_time"),
                ("get-health", "$.uptime"),
                ("order", "$.delivery_estimate"),
                ("create-order", "$.delivery_estimate"),
            )
            | doc(
                "response-property-type-changed",
                ok("GET /books/{book_id}", "200", "/reading_time"),
                ok("GET /books", "200", "/[]/reading_time"),
                ok("GET /health", "200", "/uptime"),
                ok("GET /orders/{order_id}", "200", "/delivery_estimate"),
                ok("POST /orders", "201", "/delivery_estimate"),
            )
        ),
    ),
    Change(
        "url-trailing-slash",
        "an HttpUrl with a bare host gains a trailing slash (the document is unchanged)",
        frozenset(
            wire(
                "response-field-format-changed",
                ("authors", "$[*].website"),
                ("author", "$.website"),
                ("book", "$.author.website"),
                *each(BOOK_LISTS, "$[*].author.website"),
            )
        ),
    ),
    Change(
        "config-fields-alias-dropped",
        "the alias declared in Config.fields (removed in Pydantic 2) is gone: "
        "Book.pageCount is sent and documented as page_count",
        frozenset(
            wire(
                "response-field-renamed",
                ("book", "$.pageCount"),
                *each(BOOK_LISTS, "$[*].pageCount"),
            )
            | doc(
                "response-property-renamed",
                ok("GET /books/{book_id}", "200", "/pageCount"),
                ok("GET /books", "200", "/[]/pageCount"),
            )
        ),
    ),
    Change(
        "optional-without-default-required",
        "an Optional field without a default (ReviewIn.comment) is required: a review "
        "without it is refused with a 422, and the document says so",
        frozenset(
            wire("response-status-changed", ("post-review-without-comment", "$"))
            | doc(
                "request-property-became-required",
                ("POST /books/{book_id}/reviews", "request body application/json /comment"),
            )
            | doc(
                "response-property-became-required",
                ok("POST /books/{book_id}/reviews", "201", "/comment"),
                ok("GET /books/{book_id}/reviews", "200", "/[]/comment"),
            )
        ),
    ),
    Change(
        "no-number-for-a-string",
        "a number is no longer accepted for a str field (postcode 10117): 201 -> 422",
        frozenset(wire("response-status-changed", ("create-order-numeric-postcode", "$"))),
    ),
    Change(
        "optional-documented-nullable",
        "an Optional field or parameter is documented anyOf [..., null] "
        "(the values were already null on the wire)",
        frozenset(
            doc(
                "response-property-became-nullable",
                ok("GET /authors", "200", "/[]/born"),
                ok("GET /authors", "200", "/[]/website"),
                ok("GET /authors/{author_id}", "200", "/born"),
                ok("GET /authors/{author_id}", "200", "/website"),
                ok("GET /books", "200", "/[]/author/born"),
                ok("GET /books", "200", "/[]/author/website"),
                ok("GET /books/{book_id}", "200", "/author/born"),
                ok("GET /books/{book_id}", "200", "/author/website"),
                ok("GET /books/{book_id}/reviews", "200", "/[]/comment"),
                ok("POST /books/{book_id}/reviews", "201", "/comment"),
                ok("GET /orders/{order_id}", "200", "/tracking_url"),
                ok("POST /orders", "201", "/tracking_url"),
            )
            | doc(
                "request-property-became-nullable",
                ("POST /books/{book_id}/reviews", "request body application/json /comment"),
                ("POST /orders", "request body application/json /coupon"),
                ("POST /token", f"{TOKEN_FORM} /client_id"),
                ("POST /token", f"{TOKEN_FORM} /client_secret"),
                ("POST /token", f"{TOKEN_FORM} /grant_type"),
            )
            | doc("request-parameter-became-nullable", ("GET /books", "parameter query genre"))
        ),
    ),
    Change(
        "anyurl-max-length-dropped",
        "AnyUrl is no longer documented with maxLength 65536",
        frozenset(
            doc(
                "response-property-max-length-unset",
                ok("GET /orders/{order_id}", "200", "/tracking_url"),
                ok("POST /orders", "201", "/tracking_url"),
            )
        ),
    ),
    Change(
        "validation-error-input",
        "every validation error carries the rejected 'input', and FastAPI's "
        "ValidationError schema documents it",
        frozenset(
            wire("response-field-added", *each(INVALID, "$.detail[*].input"))
            | doc(
                "response-optional-property-added",
                *[ok(operation, "422", "/detail/[]/input") for operation in VALIDATED],
            )
        ),
    ),
    Change(
        "validation-error-ctx-documented",
        "FastAPI's ValidationError schema documents 'ctx' (Pydantic 1 sent it undocumented)",
        frozenset(
            doc(
                "response-optional-property-added",
                *[ok(operation, "422", "/detail/[]/ctx") for operation in VALIDATED],
            )
        ),
    ),
    Change(
        "validation-error-ctx-keys",
        "an error's ctx is keyed by the constraint (le, ge, max_length, expected) instead "
        "of limit_value / enum_values",
        frozenset(
            wire(
                "response-field-renamed",
                ("books-bad-query", "$.detail[*].ctx.limit_value"),
                ("post-review-invalid", "$.detail[*].ctx.limit_value"),
            )
            | wire(
                "response-field-removed", ("create-order-invalid", "$.detail[*].ctx.limit_value")
            )
            | wire(
                "response-field-added",
                ("books-bad-query", "$.detail[*].ctx.expected"),
                ("post-review-invalid", "$.detail[*].ctx.max_length"),
                ("create-order-invalid", "$.detail[*].ctx.ge"),
            )
        ),
    ),
    Change(
        "validation-error-codes",
        "every validation error's type code changed (value_error.number.not_ge -> "
        "greater_than_equal, type_error.integer -> int_parsing, ...): compared as values "
        "for every 4xx by default",
        frozenset(
            wire(
                "response-value-changed",
                ("book-not-an-id", "$.detail[0].type"),
                ("books-bad-query", "$.detail[0].type"),
                ("books-bad-query", "$.detail[1].type"),
                ("create-order-invalid", "$.detail[0].type"),
                ("create-order-invalid", "$.detail[1].type"),
                ("post-review-invalid", "$.detail[0].type"),
                ("post-review-invalid", "$.detail[1].type"),
                ("post-review-invalid", "$.detail[2].type"),
            )
        ),
    ),
    Change(
        "int-or-float-price-kept",
        "an int | float price is no longer cut to an int (Pydantic 1 tried int first): "
        "9 -> 9.99 in the plans, whose prices the probe names as values",
        frozenset(
            wire("response-value-changed", ("plans", "$[1].monthly"), ("plans", "$[2].monthly"))
            | wire("response-field-format-changed", ("plans", "$[*].monthly"))
        ),
    ),
    Change(
        "whitespace-not-stripped",
        "Config.anystr_strip_whitespace (renamed str_strip_whitespace in Pydantic 2) no "
        "longer strips: ' Gollancz ' is sent padded",
        frozenset(wire("response-value-changed", ("publishers", "$[0].name"))),
    ),
    Change(
        "url-host-lowercased",
        "an HttpUrl's host is lowercased (https://Gollancz.Example/books -> "
        "https://gollancz.example/books)",
        frozenset(
            wire(
                "response-value-changed",
                ("publishers", "$[0].website"),
                ("publishers", "$[1].website"),
            )
        ),
    ),
    Change(
        "password-form-format",
        "FastAPI documents OAuth2PasswordRequestForm's password and client_secret "
        "with format: password",
        frozenset(
            doc(
                "request-property-type-specialized",
                ("POST /token", f"{TOKEN_FORM} /password"),
                ("POST /token", f"{TOKEN_FORM} /client_secret"),
            )
        ),
    ),
    Change(
        "grant-type-pattern-anchored",
        "FastAPI anchors the grant_type pattern: 'password' -> '^password$'",
        frozenset(
            doc("request-property-pattern-changed", ("POST /token", f"{TOKEN_FORM} /grant_type"))
        ),
    ),
    Change(
        "version-not-bumped",
        "the bookshop is version 1.0.0 on both stacks, though its contract changed",
        frozenset(doc("api-version-not-bumped", ("", "info.version"))),
    ),
    Change(
        "major-version-not-bumped",
        "and the upgrade breaks clients without a major bump of that version",
        frozenset(doc("api-major-version-not-bumped", ("", "info.version"))),
    ),
)

UNREPORTED = (
    "validation errors' 'msg' texts changed ('field required' -> 'Field required'): prose "
    "for people, not compared (their 'type' codes are)",
    "the document no longer holds a model's inherited docstring, nor Pydantic 1's "
    "'An enumeration.', as the description (description-only: no finding, by design)",
)


def expected() -> set[Key]:
    """Every finding of the pair."""
    keys: set[Key] = set()
    for change in CHANGES:
        assert not keys & change.findings, f"{change.name} repeats another change's finding"
        keys |= change.findings
    return keys
