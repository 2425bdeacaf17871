"""A shop with forty operations, for splitting runs (shards, workers) and the benchmark.

Eight resources, each with the five operations of a plain REST collection (list, create,
read, replace, delete) and a store of its own, so no resource's state depends on another's.
Five of them have one planted defect each, of the classes driftguard reports:

- ``GET /products`` divides by its ``limit``, which may be 0 (``server-error``);
- ``POST /customers`` stores whatever JSON arrives (``accepted-invalid-input``);
- ``GET /orders/{item_id}`` sends its ``quantity`` as a string (``response-schema-violation``);
- ``DELETE /invoices/{item_id}`` answers 204 and keeps the invoice
  (``resource-available-after-delete``);
- ``POST /coupons`` refuses digits in a name the schema allows (``rejected-valid-input``).

The module-level ``shop_app`` serves ``module:attr`` targets (``tests.fuzzing.scale_apps:shop_app``):
each worker process imports its own.
"""

import itertools
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

RESOURCES = (
    "products",
    "customers",
    "orders",
    "invoices",
    "coupons",
    "suppliers",
    "warehouses",
    "shipments",
)

_INVALID: dict[int | str, dict[str, Any]] = {422: {"description": "Validation error"}}
_MISSING: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}, **_INVALID}

# (id, operation, location) of every planted defect
DEFECTS = [
    ("server-error", "GET /products", "exception ZeroDivisionError in list_items"),
    ("accepted-invalid-input", "POST /customers", "request body /quantity"),
    ("response-schema-violation", "GET /orders/{item_id}", "response 200 /quantity (type)"),
    (
        "resource-available-after-delete",
        "GET /invoices/{item_id}",
        "after DELETE /invoices/{item_id}",
    ),
    ("rejected-valid-input", "POST /coupons", "request body /name"),
]


class Item(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    name: str = Field(min_length=1, max_length=20)
    quantity: int = Field(ge=0, le=100)


class Stored(BaseModel):
    id: int
    name: str
    quantity: int


class Page(BaseModel):
    items: list[Stored]
    pages: int


def shop() -> FastAPI:
    app = FastAPI(title="shop")
    for name in RESOURCES:
        _resource(app, name)
    return app


def _resource(app: FastAPI, name: str) -> None:
    """The five operations of ``/name``, with the defect planted in this resource, if any."""
    rows: dict[int, Item] = {}
    ids = itertools.count(1)
    item_path = f"/{name}/{{item_id}}"

    def stored(item_id: int, item: Item) -> Stored:
        return Stored(id=item_id, name=item.name, quantity=item.quantity)

    def list_items(limit: Annotated[int, Query(ge=0, le=50)] = 10) -> Page:
        # the defect of /products: limit 0 is allowed, and divides
        pages = len(rows) // limit if limit or name == "products" else 0
        return Page(items=[stored(i, item) for i, item in list(rows.items())[:limit]], pages=pages)

    def create(item: Item) -> Stored:
        if name == "coupons" and any(ch.isdigit() for ch in item.name):
            raise HTTPException(  # the defect: a rule the schema does not state
                422, [{"loc": ["body", "name"], "msg": "no digits", "type": "value_error"}]
            )
        item_id = next(ids)
        rows[item_id] = item
        return stored(item_id, item)

    async def create_unchecked(request: Request) -> JSONResponse:
        try:
            data = await request.json()  # the defect: stored as it came, unvalidated
        except ValueError:
            return JSONResponse({"detail": "not JSON"}, status_code=422)
        data = data if isinstance(data, dict) else {}
        item_id = next(ids)
        quantity = data.get("quantity")
        rows[item_id] = Item.model_construct(
            name=str(data.get("name")), quantity=quantity if type(quantity) is int else 0
        )
        return JSONResponse(stored(item_id, rows[item_id]).model_dump(), status_code=201)

    def read(item_id: int) -> Any:
        if item_id not in rows:
            raise HTTPException(404, "not found")
        body = stored(item_id, rows[item_id]).model_dump()
        if name == "orders":
            return JSONResponse({**body, "quantity": str(body["quantity"])})  # the defect
        return body

    def replace(item_id: int, item: Item) -> Stored:
        if item_id not in rows:
            raise HTTPException(404, "not found")
        rows[item_id] = item
        return stored(item_id, item)

    def delete(item_id: int) -> Response:
        if item_id not in rows:
            raise HTTPException(404, "not found")
        if name != "invoices":  # the defect: an invoice is never removed
            del rows[item_id]
        return Response(status_code=204)

    single = name[:-1]
    app.get(f"/{name}", response_model=Page, responses=_INVALID, name=f"list_{name}")(list_items)
    if name == "customers":
        body = {"content": {"application/json": {"schema": Item.model_json_schema()}}}
        app.post(
            f"/{name}",
            status_code=201,
            response_model=None,
            responses={201: {"model": Stored}, **_INVALID},
            openapi_extra={"requestBody": {**body, "required": True}},
            name=f"create_{single}",
        )(create_unchecked)
    else:
        app.post(
            f"/{name}",
            status_code=201,
            response_model=Stored,
            responses=_INVALID,
            name=f"create_{single}",
        )(create)
    app.get(
        item_path,
        response_model=None,
        responses={200: {"model": Stored}, **_MISSING},
        name=f"read_{single}",
    )(read)
    app.put(item_path, response_model=Stored, responses=_MISSING, name=f"replace_{single}")(replace)
    app.delete(item_path, status_code=204, responses=_MISSING, name=f"delete_{single}")(delete)


shop_app = shop()
