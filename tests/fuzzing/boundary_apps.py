"""FastAPI apps with defects that only boundary values reach, each beside a clean control.

The defects are the ones plain fuzzing at default settings missed on real apps: a negative
number into ``math.sqrt``, a NUL byte into a C library call, a huge negative ``limit`` with an
upper bound only, an id beyond 2^63 into SQLite, ``NaN``/``1e400`` accepted into a float,
a naive datetime compared with an aware one, a date at 9999-12-31 plus two days, and a
create that crashes when sent twice (an unhandled unique constraint).
"""

import math
import os
import sqlite3
import tempfile
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tests.fuzzing.apps import Planted

_INVALID: dict[int | str, dict[str, Any]] = {422: {"description": "Validation error"}}
_MISSING: dict[int | str, dict[str, Any]] = {404: {"description": "Not found"}, **_INVALID}
_CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Exists"}, **_INVALID}


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _Database:
    """One SQLite connection shared by the app's worker threads."""

    def __init__(self, schema: str) -> None:
        self.connection = sqlite3.connect(":memory:", check_same_thread=False)
        self.connection.executescript(schema)
        self.lock = threading.Lock()

    def run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.lock:
            rows = self.connection.execute(sql, args).fetchall()
            self.connection.commit()
            return rows


def square_roots() -> FastAPI:
    """GET /roots/{n} takes the square root of any integer."""
    app = FastAPI(title="square roots")

    @app.get("/roots/{n}", responses=_INVALID)
    def root(n: int) -> dict[str, float]:
        return {"root": math.sqrt(n)}  # the defect: n < 0 raises ValueError

    @app.get("/halves/{n}", responses=_INVALID)
    def half(n: Annotated[int, Path(ge=0, le=10**6)]) -> dict[str, float]:
        return {"root": math.sqrt(n)}

    return app


def nul_paths() -> FastAPI:
    """GET /files?name= stats a file under a directory; a NUL byte makes os.stat raise."""
    app = FastAPI(title="nul paths")
    root = tempfile.gettempdir()

    @app.get("/files", responses=_MISSING)
    def size(name: str) -> dict[str, int]:
        try:
            return {"size": os.stat(os.path.join(root, "driftguard-none", name)).st_size}
        except OSError:  # the defect: ValueError (embedded null byte) is not an OSError
            raise HTTPException(404, "no such file") from None

    @app.get("/documents", responses=_MISSING)
    def document(name: str) -> dict[str, int]:
        try:
            return {"size": os.stat(os.path.join(root, "driftguard-none", name)).st_size}
        except (OSError, ValueError):
            raise HTTPException(404, "no such file") from None

    return app


def sqlite_numbers() -> FastAPI:
    """SQLite reads 64-bit integers only: a limit or an id beyond that raises OverflowError."""
    app = FastAPI(title="sqlite numbers")
    db = _Database("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);")
    db.run("INSERT INTO items (name) VALUES ('one'), ('two')")

    @app.get("/items", responses=_INVALID)
    def items(limit: Annotated[int, Query(le=100)] = 10) -> list[str]:
        # the defect: no lower bound, so -2^63-1 reaches SQLite
        return [name for (name,) in db.run("SELECT name FROM items LIMIT ?", limit)]

    @app.get("/items/{item_id}", responses=_MISSING)
    def item(item_id: int) -> dict[str, str]:
        rows = db.run("SELECT name FROM items WHERE id = ?", item_id)  # the defect: > 2^63
        if not rows:
            raise HTTPException(404, "no such item")
        return {"name": rows[0][0]}

    @app.get("/names", responses=_INVALID)
    def names(limit: Annotated[int, Query(ge=0, le=100)] = 10) -> list[str]:
        return [name for (name,) in db.run("SELECT name FROM items LIMIT ?", limit)]

    return app


class Reading(Strict):
    value: float


class BoundedReading(Strict):
    value: float = Field(ge=-1e9, le=1e9)


def float_readings() -> FastAPI:
    """POST /readings and /samples store any float, NaN and 1e400 (infinity) included;
    /readings echoes it (a 500), /samples answers 201 (NaN accepted)."""
    app = FastAPI(title="float readings")
    stored: list[float] = []

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input, and NaN in a 422 body is a 500 of its own
        errors = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.post("/readings", responses=_INVALID)
    def reading(item: Reading) -> JSONResponse:
        stored.append(item.value)
        return JSONResponse({"value": item.value})  # the defect: NaN is no JSON: 500

    @app.post("/samples", status_code=201, responses=_INVALID)
    def sample(item: Reading) -> dict[str, int]:
        stored.append(item.value)  # the defect: NaN is kept, for every later read to choke on
        return {"count": len(stored)}

    @app.post("/gauges", responses=_INVALID)
    def gauge(item: BoundedReading) -> JSONResponse:
        return JSONResponse({"value": item.value})

    return app


def _text(value: Any) -> Any:
    # Pydantic's lax mode reads 0 as a Unix time; these fields take ISO 8601 text only.
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 string is required")
    return value


class Event(Strict):
    at: Annotated[datetime, BeforeValidator(_text), Field(strict=False)]


class Delivery(Strict):
    ordered: Annotated[date, BeforeValidator(_text), Field(strict=False)]


def calendar() -> FastAPI:
    """A naive datetime compared with an aware one, and 9999-12-31 plus two days."""
    app = FastAPI(title="calendar")

    @app.post("/events", responses=_INVALID)
    def event(item: Event) -> dict[str, bool]:
        return {"past": item.at < datetime.now(UTC)}  # the defect: naive vs aware

    @app.post("/deliveries", responses=_INVALID)
    def delivery(item: Delivery) -> dict[str, str]:
        return {"due": (item.ordered + timedelta(days=2)).isoformat()}  # the defect

    @app.post("/meetings", responses=_INVALID)
    def meeting(item: Event) -> dict[str, bool]:
        at = item.at if item.at.tzinfo is not None else item.at.replace(tzinfo=UTC)
        return {"past": at < datetime.now(UTC)}

    return app


class Account(Strict):
    email: str = Field(min_length=3, max_length=40)


def unique_accounts() -> FastAPI:
    """POST /accounts inserts into a UNIQUE column and lets IntegrityError escape."""
    app = FastAPI(title="unique accounts")
    db = _Database(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
        "CREATE TABLE profiles (id INTEGER PRIMARY KEY, email TEXT UNIQUE);"
    )

    @app.post("/accounts", status_code=201, responses=_INVALID)
    def create_account(item: Account) -> dict[str, int]:
        db.run("INSERT INTO accounts (email) VALUES (?)", item.email)  # the defect
        return {"id": db.run("SELECT max(id) FROM accounts")[0][0]}

    @app.post("/profiles", status_code=201, responses=_CONFLICT)
    def create_profile(item: Account) -> dict[str, int]:
        try:
            db.run("INSERT INTO profiles (email) VALUES (?)", item.email)
        except sqlite3.IntegrityError:
            raise HTTPException(409, "exists") from None
        return {"id": db.run("SELECT max(id) FROM profiles")[0][0]}

    return app


BOUNDARY_PLANTED = [
    Planted(
        square_roots,
        [("server-error", "GET /roots/{n}", "exception ValueError in root")],
        "GET /halves/{n}",
    ),
    Planted(
        nul_paths,
        [("server-error", "GET /files", "exception ValueError in size")],
        "GET /documents",
    ),
    Planted(
        sqlite_numbers,
        [
            ("server-error", "GET /items", "exception OverflowError in run"),
            ("server-error", "GET /items/{item_id}", "exception OverflowError in run"),
        ],
        "GET /names",
    ),
    Planted(
        float_readings,
        [
            ("server-error", "POST /readings", "exception ValueError in reading"),
            ("accepted-invalid-input", "POST /samples", "request body /value"),
        ],
        "POST /gauges",
    ),
    Planted(
        calendar,
        [
            ("server-error", "POST /events", "exception TypeError in event"),
            ("server-error", "POST /deliveries", "exception OverflowError in delivery"),
        ],
        "POST /meetings",
    ),
]

roots = square_roots()
