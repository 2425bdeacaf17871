"""Small FastAPI apps, each with one planted defect beside a correct control endpoint.

Every app is built by a factory, so a test gets fresh state (ids, stored rows); the
module-level instances serve ``module:attr`` targets such as ``tests.fuzzing.apps:crash``.
Control endpoints use strict Pydantic models: lax mode would accept ``"2"`` for an integer,
which driftguard reports (as a warning) and a control must not show.
"""

import asyncio
import itertools
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

GOOD_TOKEN = "let-me-in-please"


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Widget(Strict):
    name: str = Field(min_length=1, max_length=20)
    quantity: int = Field(ge=0, le=100)


class Stored(BaseModel):
    id: int
    name: str
    quantity: int


Responses = dict[int | str, dict[str, Any]]
_STORED: Responses = {201: {"model": Stored}}
_INVALID: Responses = {422: {"description": "Validation error"}}


def _counter() -> Any:
    ids = itertools.count(1)
    return lambda: next(ids)


def unenforced_schema() -> FastAPI:
    """POST /widgets documents Widget's bounds but stores whatever JSON arrives."""
    app = FastAPI(title="unenforced schema")
    next_id = _counter()
    body = {"content": {"application/json": {"schema": Widget.model_json_schema()}}}

    @app.post(
        "/widgets",
        status_code=201,
        response_model=None,
        responses={**_STORED, **_INVALID},
        openapi_extra={"requestBody": {**body, "required": True}},
    )
    async def create_widget(request: Request) -> JSONResponse:
        try:
            data = await request.json()
        except ValueError:
            return JSONResponse({"detail": "not JSON"}, status_code=422)
        # the defect: whatever JSON arrived is stored, unchecked
        name = data.get("name") if isinstance(data, dict) else None
        quantity = data.get("quantity") if isinstance(data, dict) else None
        return JSONResponse(
            {
                "id": next_id(),
                "name": str(name),
                "quantity": quantity if type(quantity) is int else 0,
            },
            status_code=201,
        )

    _control_create(app, "/gadgets", next_id)
    return app


def _control_create(app: FastAPI, path: str, next_id: Any) -> None:
    @app.post(path, status_code=201, response_model=Stored, responses=_INVALID)
    def create_control(item: Widget) -> Stored:
        return Stored(id=next_id(), name=item.name, quantity=item.quantity)


def crash() -> FastAPI:
    """POST /orders divides by the quantity it accepts as 0."""
    app = FastAPI(title="crash")

    class Order(Strict):
        total: int = Field(ge=0, le=10_000)
        quantity: int = Field(ge=0, le=100)

    class Priced(BaseModel):
        unit_price: float

    @app.post("/orders", response_model=Priced, responses=_INVALID)
    def price_order(order: Order) -> Priced:
        return Priced(unit_price=order.total / order.quantity)  # the defect: quantity 0

    @app.post("/quotes", response_model=Priced, responses=_INVALID)
    def price_quote(order: Order) -> Priced:
        return Priced(unit_price=order.total / order.quantity if order.quantity else 0.0)

    return app


def unenforced_auth() -> FastAPI:
    """GET /reports declares bearer authentication and never checks it."""
    app = FastAPI(title="unenforced auth")
    bearer = HTTPBearer(auto_error=False)
    Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    denied: Responses = {401: {"description": "Missing or invalid token"}}

    @app.get("/reports", responses=denied)
    def reports(credentials: Credentials) -> dict[str, int]:
        return {"count": 3}  # the defect: credentials are never looked at

    @app.get("/profile", responses=denied)
    def profile(credentials: Credentials) -> dict[str, str]:
        if credentials is None or credentials.credentials != GOOD_TOKEN:
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
        return {"name": "Ada"}

    return app


def broken_response() -> FastAPI:
    """GET /prices/{sku} promises a number and sends a string."""
    app = FastAPI(title="broken response")

    class Price(BaseModel):
        sku: str
        amount: float

    ok: Responses = {200: {"model": Price}}

    @app.get("/prices/{sku}", response_model=None, responses=ok)
    def price(sku: Annotated[str, Field(max_length=12)]) -> JSONResponse:
        return JSONResponse({"sku": sku, "amount": "9.99"})  # the defect: a string

    @app.get("/costs/{sku}", response_model=Price, responses=_INVALID)
    def cost(sku: Annotated[str, Field(max_length=12)]) -> Price:
        return Price(sku=sku, amount=9.99)

    return app


def rejects_valid() -> FastAPI:
    """POST /names documents any name up to 30 characters and refuses digits in it."""
    app = FastAPI(title="rejects valid input")

    class Name(Strict):
        name: str = Field(min_length=1, max_length=30)

    @app.post("/names", responses=_INVALID)
    def add_name(item: Name) -> dict[str, str]:
        if any(ch.isdigit() for ch in item.name):  # the defect: a rule the schema omits
            raise HTTPException(
                422,
                detail=[{"loc": ["body", "name"], "msg": "no digits", "type": "value_error"}],
            )
        return {"name": item.name}

    @app.post("/titles", responses=_INVALID)
    def add_title(item: Name) -> dict[str, str]:
        return {"name": item.name}

    return app


def racy_ids() -> FastAPI:
    """POST /tickets reads the next id, yields, then writes: simultaneous creates collide.
    POST /bookings crashes when a second booking arrives while one is in flight."""
    app = FastAPI(title="racy ids")
    tickets: dict[int, Widget] = {}
    next_id = _counter()

    @app.post("/tickets", status_code=201, response_model=Stored, responses=_INVALID)
    async def create_ticket(item: Widget) -> Stored:
        ticket_id = len(tickets) + 1
        await asyncio.sleep(0.005)  # the defect: the id is read before the await
        tickets[ticket_id] = item
        return Stored(id=ticket_id, name=item.name, quantity=item.quantity)

    booking = {"busy": False}

    @app.post("/bookings", status_code=201, response_model=Stored, responses=_INVALID)
    async def create_booking(item: Widget) -> Stored:
        if booking["busy"]:  # the defect: a second booking while one is in flight crashes
            raise RuntimeError("two bookings at once")
        booking["busy"] = True
        try:
            await asyncio.sleep(0.005)
        finally:
            booking["busy"] = False
        return Stored(id=next_id(), name=item.name, quantity=item.quantity)

    _control_create(app, "/receipts", next_id)
    return app


def undeleted() -> FastAPI:
    """DELETE /notes/{note_id} answers 204 and keeps serving the note."""
    app = FastAPI(title="undeleted")
    notes: dict[int, Widget] = {}
    next_id = _counter()
    missing: Responses = {404: {"description": "No such note"}}

    @app.post("/notes", status_code=201, response_model=Stored, responses=_INVALID)
    def create_note(item: Widget) -> Stored:
        note_id = next_id()
        notes[note_id] = item
        return Stored(id=note_id, name=item.name, quantity=item.quantity)

    @app.get("/notes/{note_id}", response_model=Stored, responses={**missing, **_INVALID})
    def get_note(note_id: int) -> Stored:
        if note_id not in notes:
            raise HTTPException(404, "no such note")
        item = notes[note_id]
        return Stored(id=note_id, name=item.name, quantity=item.quantity)

    @app.delete("/notes/{note_id}", status_code=204, responses={**missing, **_INVALID})
    def delete_note(note_id: int) -> Response:
        if note_id not in notes:
            raise HTTPException(404, "no such note")
        return Response(status_code=204)  # the defect: nothing is removed

    return app


def contract_gaps() -> FastAPI:
    """Three small lies: an undocumented status, an undocumented media type, and a
    documented required header that is never required."""
    app = FastAPI(title="contract gaps")
    header = {
        "parameters": [
            {"name": "X-Request-Id", "in": "header", "required": True, "schema": {"type": "string"}}
        ]
    }

    @app.get("/accepted")
    def accepted() -> JSONResponse:
        return JSONResponse({"queued": True}, status_code=202)  # only 200 is documented

    @app.get("/readme", response_model=None)
    def readme() -> PlainTextResponse:
        return PlainTextResponse("plain words")

    @app.get("/traced", openapi_extra=header)
    def traced() -> dict[str, bool]:
        return {"traced": True}  # the defect: X-Request-Id is documented, never checked

    @app.get("/checked", responses=_INVALID)
    def checked(x_request_id: Annotated[str, Header()]) -> dict[str, bool]:
        return {"traced": True}

    return app


class LaxCount(BaseModel):
    count: int = Field(ge=0, le=10)


class StrictCount(Strict):
    count: int = Field(ge=0, le=10)


def lax_model() -> FastAPI:
    """POST /counts uses Pydantic's default lax mode, which reads "2" and true as integers."""
    app = FastAPI(title="lax model")

    @app.post("/counts", responses=_INVALID)
    def count(item: LaxCount) -> dict[str, int]:
        return {"count": item.count}

    @app.post("/strict-counts", responses=_INVALID)
    def strict_count(item: StrictCount) -> dict[str, int]:
        return {"count": item.count}

    return app


class Planted(NamedTuple):
    """An app, the findings (id, operation, location) its planted defects must produce, and
    its correct control operation, which must produce none."""

    app: Callable[[], FastAPI]
    defects: list[tuple[str, str, str]]
    control: str


# Every planted defect, for tests/fuzzing/test_planted_defects.py and benchmarks/bench_fuzz.py.
PLANTED = [
    Planted(
        unenforced_schema,
        [("accepted-invalid-input", "POST /widgets", "request body /quantity")],
        "POST /gadgets",
    ),
    Planted(
        crash,
        [("server-error", "POST /orders", "exception ZeroDivisionError in price_order")],
        "POST /quotes",
    ),
    Planted(
        unenforced_auth,
        [
            ("auth-not-enforced", "GET /reports", "without credentials"),
            ("auth-not-enforced", "GET /reports", "with invalid credentials"),
        ],
        "GET /profile",
    ),
    Planted(
        broken_response,
        [("response-schema-violation", "GET /prices/{sku}", "response 200 /amount (type)")],
        "GET /costs/{sku}",
    ),
    Planted(
        rejects_valid,
        [("rejected-valid-input", "POST /names", "request body /name")],
        "POST /titles",
    ),
    Planted(
        racy_ids,
        [
            ("concurrency-conflict", "POST /tickets", "duplicate id"),
            ("concurrency-conflict", "POST /bookings", "server error"),
        ],
        "POST /receipts",
    ),
    Planted(
        undeleted,
        [
            (
                "resource-available-after-delete",
                "GET /notes/{note_id}",
                "after DELETE /notes/{note_id}",
            )
        ],
        "POST /notes",
    ),
    Planted(
        contract_gaps,
        [
            ("missing-required-header-accepted", "GET /traced", "request header X-Request-Id"),
            ("undocumented-status-code", "GET /accepted", "response 202"),
            ("undocumented-content-type", "GET /readme", "response 200 text/plain"),
        ],
        "GET /checked",
    ),
    Planted(
        lax_model,
        [("accepted-invalid-input", "POST /counts", "request body /count (coerced)")],
        "POST /strict-counts",
    ),
]

unenforced = unenforced_schema()
crashes = crash()
auth = unenforced_auth()
broken = broken_response()
rejects = rejects_valid()
racy = racy_ids()
notes = undeleted()
gaps = contract_gaps()
