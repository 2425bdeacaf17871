"""Apps whose answers only a careful judge reads right: business rules, warnings, two crashes.

Each has its point beside a control, like :mod:`tests.fuzzing.apps`.
"""

import time
from typing import Annotated

from fastapi import FastAPI, Form, Header, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Login(_Strict):
    email: str = Field(min_length=3, max_length=40)
    password: str = Field(min_length=1, max_length=40)


def business_rules() -> FastAPI:
    """Handlers refuse well-formed requests on rules of their own: never rejected-valid-input.

    POST /strict still refuses a valid name with the validator's 422 list, which is.
    """
    app = FastAPI(title="business rules")
    taken: set[str] = set()

    @app.post("/login", responses={400: {"description": "Wrong password"}})
    def login(body: Login) -> dict[str, str]:
        if body.password != "secret":
            raise HTTPException(400, detail="Incorrect email or password")
        return {"token": "t"}

    @app.post("/signup", responses={409: {"description": "Taken"}})
    def signup(body: Login) -> dict[str, str]:
        if body.email in taken:
            raise HTTPException(409, detail="E-mail already registered")
        taken.add(body.email)
        return {"email": body.email}

    @app.post("/reset", responses={403: {"description": "Bad token"}})
    def reset(body: Login) -> dict[str, str]:
        raise HTTPException(403, detail="Invalid or expired reset token")

    @app.post("/strict")
    def strict(body: Login) -> dict[str, str]:
        if "@" not in body.email:  # the defect: a rule the schema omits, in the validator's shape
            raise HTTPException(
                422, detail=[{"loc": ["body", "email"], "msg": "no @", "type": "value_error"}]
            )
        return {"email": body.email}

    return app


class Priced(BaseModel):
    amount: int


def warns() -> FastAPI:
    """GET /price returns a str where the model says int: Pydantic warns on serializing."""
    app = FastAPI(title="warns")

    @app.get("/price", response_model=None)
    def price() -> Priced:
        return Priced.model_construct(amount="one")

    return app


class Pair(_Strict):
    left: int = Field(ge=0, le=100)
    right: int = Field(ge=0, le=100)


def two_crashes() -> FastAPI:
    """POST /ratio crashes two ways: left 0 (ZeroDivisionError) and right 0 (KeyError)."""
    app = FastAPI(title="two crashes")

    @app.post("/ratio")
    def ratio(pair: Pair) -> dict[str, float]:
        if pair.right == 0:
            return {"ratio": {1: 1.0}[pair.left + 5]}  # KeyError
        return {"ratio": pair.right / pair.left}  # ZeroDivisionError at left 0

    @app.post("/sum")
    def total(pair: Pair) -> dict[str, int]:
        return {"sum": pair.left + pair.right}

    return app


def slow() -> FastAPI:
    """GET /slow takes half a second per request; the others answer at once."""
    app = FastAPI(title="slow")

    @app.get("/slow")
    def slow_one(n: int = 0) -> dict[str, int]:
        time.sleep(0.5)
        return {"n": n}

    for name in ("a", "b", "c"):

        @app.get(f"/{name}", name=name)
        def quick(n: int = 0) -> dict[str, int]:
            return {"n": n}

    return app


def arrays() -> FastAPI:
    """Query and header arrays and a multipart form, read the way FastAPI reads them."""
    app = FastAPI(title="arrays")

    @app.get("/items")
    def items(
        tags: Annotated[list[int] | None, Query()] = None,
        x_ids: Annotated[list[int] | None, Header()] = None,
    ) -> dict[str, int]:
        return {"tags": len(tags or []), "ids": len(x_ids or [])}

    @app.post("/upload")
    def upload(
        name: Annotated[str, Form(min_length=1, max_length=10)],
        count: Annotated[int, Form(ge=0, le=5)],
    ) -> dict[str, int]:
        return {"count": count}

    return app
