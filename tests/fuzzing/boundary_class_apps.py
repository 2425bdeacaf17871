"""A planted defect for every boundary class of issue 14 that boundary_apps.py lacks.

Each app crashes (or breaks its own contract) on one class of edge value only, beside a
control operation that handles the same value; tests/fuzzing/test_boundary_classes.py maps
every class to its app and the finding it must produce at default settings.
"""

from __future__ import annotations

import math
import os
import tempfile
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_INVALID: dict[int | str, dict[str, Any]] = {422: {"description": "Validation error"}}
_REFUSED: dict[int | str, dict[str, Any]] = {401: {"description": "Refused"}, **_INVALID}
_MISSING: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}, **_INVALID}


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


def _safe_validation_errors(app: FastAPI) -> None:
    """A 422 handler that escapes what it echoes, as example_app's does: FastAPI's own
    crashes on a lone surrogate, which would be a finding of every one of these apps."""

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        import json

        body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")


class Amount(Strict):
    value: float


class BoundedAmount(Strict):
    value: float = Field(ge=-1e6, le=1e6, allow_inf_nan=False)


def cents() -> FastAPI:
    """POST /totals turns any float into whole units: NaN raises ValueError, 1e400 and
    Infinity (read by Python's JSON parser as infinity) raise OverflowError."""
    app = FastAPI(title="cents")
    _safe_validation_errors(app)

    @app.post("/totals", responses=_INVALID)
    def total(item: Amount) -> dict[str, int]:
        return {"units": int(item.value)}  # the defect: NaN and infinity

    @app.post("/prices", responses=_INVALID)
    def price(item: BoundedAmount) -> dict[str, int]:
        return {"units": int(item.value)}

    return app


class Shown(BaseModel):
    display: str = Field(pattern=r"^[0-9]+\.[0-9]{2}$")


class Positive(Strict):
    value: float = Field(ge=0, le=1e6)


def displays() -> FastAPI:
    """POST /amounts formats a non-negative amount: -0.0 passes ``ge=0`` and is shown as
    ``-0.00``, which breaks the documented pattern of the answer."""
    app = FastAPI(title="displays")
    _safe_validation_errors(app)
    shown: dict[int | str, dict[str, Any]] = {200: {"model": Shown}, **_INVALID}

    @app.post("/amounts", response_model=None, responses=shown)
    def amount(item: Positive) -> JSONResponse:
        return JSONResponse({"display": f"{item.value:.2f}"})  # the defect: -0.0

    @app.post("/balances", response_model=None, responses=shown)
    def balance(item: Positive) -> JSONResponse:
        return JSONResponse({"display": f"{item.value + 0.0:.2f}"})  # -0.0 + 0.0 is 0.0

    return app


def _hash(password: str) -> bytes:
    """Password hashing through a C library, which refuses a NUL byte as bcrypt's binding
    does (``ValueError: password may not contain NUL bytes``)."""
    if "\x00" in password:
        raise ValueError("password may not contain NUL bytes")
    import hashlib

    return hashlib.sha256(password.encode()).digest()


_USERS = {"ann@example.com": _hash("correct horse")}
Text = Annotated[str, Form(min_length=1, max_length=128)]


def logins() -> FastAPI:
    """OAuth2-style password forms (``application/x-www-form-urlencoded``): POST /token
    lets the hashing library's ValueError escape on a NUL byte in the password."""
    app = FastAPI(title="logins")
    _safe_validation_errors(app)

    @app.post("/token", responses=_REFUSED)
    def token(username: Text, password: Text) -> dict[str, str]:
        if _USERS.get(username) != _hash(password):  # the defect: NUL in the password
            raise HTTPException(401, "wrong e-mail or password")
        return {"access_token": "t", "token_type": "bearer"}

    @app.post("/session", responses=_REFUSED)
    def session(username: Text, password: Text) -> dict[str, str]:
        try:
            known = _USERS.get(username) == _hash(password)
        except ValueError:
            known = False
        if not known:
            raise HTTPException(401, "wrong e-mail or password")
        return {"access_token": "t", "token_type": "bearer"}

    return app


class Note(BaseModel):
    text: str


def echoes() -> FastAPI:
    """FastAPI's default 422 handler and a handler that echoes text: a lone surrogate
    (``"\\ud800"``) makes the JSON renderer raise UnicodeEncodeError on both operations,
    one defect of the whole app. POST /lengths answers the length only."""
    app = FastAPI(title="echoes")

    @app.post("/notes", responses=_INVALID)
    def note(item: Note) -> dict[str, str]:
        return {"text": item.text}  # the defect: a lone surrogate cannot be encoded

    @app.post("/titles", responses=_INVALID)
    def title(item: Note) -> dict[str, str]:
        return {"title": item.text.title()}

    @app.post("/lengths", responses=_INVALID)
    def length(item: Note) -> dict[str, int]:
        return {"length": len(item.text)}

    return app


def long_names() -> FastAPI:
    """GET /files?name= catches a missing file only: a 10 000-character name raises
    OSError (file name too long)."""
    app = FastAPI(title="long names")
    root = os.path.join(tempfile.gettempdir(), "driftguard-none")

    @app.get("/files", responses=_MISSING)
    def size(name: str) -> dict[str, int]:
        try:
            return {"size": os.stat(os.path.join(root, name.replace("\x00", ""))).st_size}
        except FileNotFoundError:  # the defect: ENAMETOOLONG is another OSError
            raise HTTPException(404, "no such file") from None

    @app.get("/documents", responses=_MISSING)
    def document(name: str) -> dict[str, int]:
        try:
            return {"size": os.stat(os.path.join(root, name.replace("\x00", ""))).st_size}
        except OSError:
            raise HTTPException(404, "no such file") from None

    return app


def _text(value: Any) -> Any:
    # Pydantic's lax mode reads 0 as a Unix time; these fields take ISO 8601 text only.
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 string is required")
    return value


class Shipment(Strict):
    shipped: Annotated[date, BeforeValidator(_text), Field(strict=False)]


def returns() -> FastAPI:
    """POST /returns opens the return window the day before shipping: 0001-01-01 minus a
    day raises OverflowError."""
    app = FastAPI(title="returns")
    _safe_validation_errors(app)

    @app.post("/returns", responses=_INVALID)
    def window(item: Shipment) -> dict[str, str]:
        return {"from": (item.shipped - timedelta(days=1)).isoformat()}  # the defect

    @app.post("/exchanges", responses=_INVALID)
    def exchange(item: Shipment) -> dict[str, str]:
        start = item.shipped - timedelta(days=1) if item.shipped > date.min else item.shipped
        return {"from": start.isoformat()}

    return app


class Person(Strict):
    name: str = Field(max_length=100)


def initials() -> FastAPI:
    """POST /initials reads the first letter of a name: an empty name raises IndexError."""
    app = FastAPI(title="initials")
    _safe_validation_errors(app)

    @app.post("/initials", responses=_INVALID)
    def initial(item: Person) -> dict[str, str]:
        return {"initial": item.name[0].upper()}  # the defect: ""

    @app.post("/monograms", responses=_INVALID)
    def monogram(item: Person) -> dict[str, str]:
        return {"initial": item.name[:1].upper()}

    return app


class Series(Strict):
    values: list[Annotated[int, Field(ge=0, le=1000)]] = Field(max_length=50)


def averages() -> FastAPI:
    """POST /averages divides by the number of values: an empty list raises
    ZeroDivisionError."""
    app = FastAPI(title="averages")
    _safe_validation_errors(app)

    @app.post("/averages", responses=_INVALID)
    def average(item: Series) -> dict[str, float]:
        return {"mean": sum(item.values) / len(item.values)}  # the defect: []

    @app.post("/medians", responses=_INVALID)
    def median(item: Series) -> dict[str, float]:
        return {"mean": sum(item.values) / len(item.values) if item.values else 0.0}

    return app


class Line(Strict):
    sku: str = Field(min_length=1, max_length=20)
    seats: int = Field(le=1000)


class BoundedLine(Strict):
    sku: str = Field(min_length=1, max_length=20)
    seats: int = Field(ge=0, le=1000)


class Order(Strict):
    lines: list[Line] = Field(min_length=1, max_length=10)


class BoundedOrder(Strict):
    lines: list[BoundedLine] = Field(min_length=1, max_length=10)


def nested_orders() -> FastAPI:
    """POST /orders prices each line by the square root of its seats: a negative ``seats``
    inside ``lines`` (an upper bound only) raises ValueError."""
    app = FastAPI(title="nested orders")
    _safe_validation_errors(app)

    @app.post("/orders", responses=_INVALID)
    def order(item: Order) -> dict[str, float]:
        return {"total": sum(math.sqrt(line.seats) for line in item.lines)}  # the defect

    @app.post("/quotes", responses=_INVALID)
    def quote(item: BoundedOrder) -> dict[str, float]:
        return {"total": sum(math.sqrt(line.seats) for line in item.lines)}

    return app


def reminders() -> FastAPI:
    """GET /reminders schedules ``X-Days`` ahead: 2^63 days (or any beyond year 9999)
    raises OverflowError in a header the spec bounds by nothing."""
    app = FastAPI(title="reminders")
    _safe_validation_errors(app)

    @app.get("/reminders", responses=_INVALID)
    def reminder(x_days: Annotated[int, Header()]) -> dict[str, str]:
        return {"at": (datetime(2026, 1, 1) + timedelta(days=x_days)).isoformat()}  # defect

    @app.get("/alarms", responses=_INVALID)
    def alarm(x_days: Annotated[int, Header(ge=-3650, le=3650)]) -> dict[str, str]:
        return {"at": (datetime(2026, 1, 1) + timedelta(days=x_days)).isoformat()}

    return app


def pages() -> FastAPI:
    """GET /items pages with ``limit: int = Query(le=100)`` and slices ``items[:limit]``:
    limit=-1, which the schema allows, answers every item but the last, 149 of them."""
    app = FastAPI(title="pages")
    _safe_validation_errors(app)
    items = [f"item {n}" for n in range(150)]

    @app.get("/items", responses=_INVALID)
    def page(limit: Annotated[int, Query(le=100)] = 10) -> list[str]:
        return items[:limit]  # the defect: a negative limit slips past the cap

    @app.get("/names", responses=_INVALID)
    def names(limit: Annotated[int, Query(ge=0, le=100)] = 10) -> list[str]:
        return items[:limit]

    return app
