"""FastAPI apps over real SQLite files whose defects only show when a stored write is read.

Each poisons or trips a read the way services do in the wild: ``1e400`` parsed by Python's
JSON reader as infinity, stored, and every later ``GET /readings`` a 500 for everyone; ``NaN``
stored as NULL and the resource's read a 500; a read that mis-serialises a field only a real,
created resource has; an update model looser than the create model, so a PUT stores what the
read cannot show. Every app has a clean control resource beside the defect, which must
produce no finding. The factories take the directory the SQLite file goes in.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from fastapi import FastAPI, HTTPException, Request
from fastapi import Path as InPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Responses = dict[int | str, dict[str, Any]]
_INVALID: Responses = {422: {"description": "Validation error"}}
_MISSING: Responses = {404: {"description": "Not found"}, **_INVALID}
# Ids SQLite can read: beyond 2^63 it raises OverflowError, a defect of its own.
Id = Annotated[int, InPath(ge=1, le=2**62)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Database:
    """A SQLite file, one connection per statement, as a threaded server would use it."""

    def __init__(self, directory: Path, schema: str) -> None:
        self.path = directory / "stateful.db"
        self.lock = threading.Lock()
        with self.connect() as connection:
            connection.executescript(schema)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path)) as connection, connection:
            yield connection

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(sql, args).fetchall()

    def insert(self, sql: str, *args: Any) -> int:
        with self.connect() as connection:
            return int(connection.execute(sql, args).lastrowid or 0)

    def one(self, table: str, columns: str, key: Any) -> tuple[Any, ...]:
        """The row of ``table`` whose id is ``key``; a 404 when there is none."""
        rows = self.rows(f"SELECT {columns} FROM {table} WHERE id = ?", key)
        if not rows:
            raise HTTPException(404, f"no such row in {table}")
        return rows[0]

    def add(self, table: str, **columns: Any) -> str:
        """Insert a row under a key no client can guess: only a created resource is read."""
        with self.lock, self.connect() as connection:
            (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            key = hashlib.sha256(f"{table}-{count}".encode()).hexdigest()[:16]
            names = ", ".join(["id", *columns])
            marks = ", ".join("?" * (len(columns) + 1))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            connection.execute(sql, (key, *columns.values()))
        return key


def _finite_or_infinite(value: float) -> float:
    if math.isnan(value):  # the defect: NaN is refused, infinity is not
        raise ValueError("NaN is not a reading")
    return value


def _within_a_million(value: float) -> float:
    if value > 1e6 or value < -1e6:  # the defect: NaN compares false with everything
        raise ValueError("out of range")
    return value


class Reading(Strict):
    sensor: str = Field(min_length=1, max_length=20)
    value: Annotated[float, AfterValidator(_finite_or_infinite)]


class Gauge(Strict):
    sensor: str = Field(min_length=1, max_length=20)
    value: float = Field(ge=-1e9, le=1e9)


class Created(BaseModel):
    id: int


class StoredReading(BaseModel):
    id: int
    sensor: str
    value: float


def _app(title: str) -> FastAPI:
    app = FastAPI(title=title)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input, and infinity in a 422 body is a 500 of its own
        errors = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    return app


def sensor_log(directory: Path) -> FastAPI:
    """POST /readings stores ``1e400`` (infinity); every later GET /readings answers 500."""
    app = _app("sensor log")
    db = Database(
        directory,
        "CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor TEXT, value REAL);"
        "CREATE TABLE gauges (id INTEGER PRIMARY KEY, sensor TEXT, value REAL);",
    )

    @app.get("/readings", response_model=list[StoredReading])
    def list_readings() -> JSONResponse:
        rows = db.rows("SELECT id, sensor, value FROM readings ORDER BY id DESC LIMIT 20")
        # the defect: infinity was stored, and JSON has no infinity: 500 for every caller
        return JSONResponse([{"id": i, "sensor": s, "value": v} for i, s, v in rows])

    @app.get("/readings/{reading_id}", response_model=StoredReading, responses=_MISSING)
    def get_reading(reading_id: Id) -> StoredReading:
        key, sensor, value = db.one("readings", "id, sensor, value", reading_id)
        # the defect: Pydantic writes infinity as null, which the documented number is not
        return StoredReading(id=key, sensor=sensor, value=value)

    @app.post("/readings", status_code=201, response_model=Created, responses=_INVALID)
    def add_reading(item: Reading) -> Created:
        sql = "INSERT INTO readings (sensor, value) VALUES (?, ?)"
        return Created(id=db.insert(sql, item.sensor, item.value))

    @app.get("/gauges", response_model=list[StoredReading])
    def list_gauges() -> list[StoredReading]:
        rows = db.rows("SELECT id, sensor, value FROM gauges ORDER BY id DESC LIMIT 20")
        return [StoredReading(id=i, sensor=s, value=v) for i, s, v in rows]

    @app.post("/gauges", status_code=201, response_model=Created, responses=_INVALID)
    def add_gauge(item: Gauge) -> Created:
        sql = "INSERT INTO gauges (sensor, value) VALUES (?, ?)"
        return Created(id=db.insert(sql, item.sensor, item.value))

    return app


class Measurement(Strict):
    # the bounds are documented, and checked by hand
    value: Annotated[
        float,
        AfterValidator(_within_a_million),
        Field(json_schema_extra={"minimum": -1e6, "maximum": 1e6}),
    ]


class Weight(Strict):
    value: float = Field(allow_inf_nan=False)


class StoredMeasurement(BaseModel):
    id: int
    value: float


def lab_notebook(directory: Path) -> FastAPI:
    """POST /measurements takes ``NaN``, which SQLite stores as NULL: its read answers 500."""
    app = _app("lab notebook")
    db = Database(
        directory,
        "CREATE TABLE measurements (id INTEGER PRIMARY KEY, value REAL);"
        "CREATE TABLE weights (id INTEGER PRIMARY KEY, value REAL);",
    )

    def read(table: str, item_id: int) -> StoredMeasurement:
        key, value = db.one(table, "id, value", item_id)
        # the defect (for measurements): NULL is no float, the response model refuses it
        return StoredMeasurement(id=key, value=value)

    @app.post("/measurements", status_code=201, response_model=Created, responses=_INVALID)
    def add_measurement(item: Measurement) -> Created:
        return Created(id=db.insert("INSERT INTO measurements (value) VALUES (?)", item.value))

    @app.get("/measurements/{measurement_id}", response_model=StoredMeasurement, responses=_MISSING)
    def get_measurement(measurement_id: Id) -> StoredMeasurement:
        return read("measurements", measurement_id)

    @app.post("/weights", status_code=201, response_model=Created, responses=_INVALID)
    def add_weight(item: Weight) -> Created:
        return Created(id=db.insert("INSERT INTO weights (value) VALUES (?)", item.value))

    @app.get("/weights/{weight_id}", response_model=StoredMeasurement, responses=_MISSING)
    def get_weight(weight_id: Id) -> StoredMeasurement:
        return read("weights", weight_id)

    return app


class Title(Strict):
    title: str = Field(min_length=1, max_length=40)


class Filed(BaseModel):
    id: str


class StoredTicket(BaseModel):
    id: str
    title: str
    created: str


def helpdesk(directory: Path) -> FastAPI:
    """GET /tickets/{ticket_id} crashes for every ticket that exists, and only for those."""
    app = _app("helpdesk")
    db = Database(
        directory,
        "CREATE TABLE tickets (id TEXT PRIMARY KEY, title TEXT, created TEXT);"
        "CREATE TABLE labels (id TEXT PRIMARY KEY, title TEXT, created TEXT);",
    )

    def create(table: str, item: Title) -> Filed:
        created = datetime.now(UTC).isoformat()
        return Filed(id=db.add(table, title=item.title, created=created))

    def stored(table: str, item_id: str) -> tuple[Any, ...]:
        return db.one(table, "id, title, created", item_id)

    @app.post("/tickets", status_code=201, response_model=Filed, responses=_INVALID)
    def add_ticket(item: Title) -> Filed:
        return create("tickets", item)

    @app.get("/tickets/{ticket_id}", response_model=StoredTicket, responses=_MISSING)
    def get_ticket(ticket_id: str) -> StoredTicket:
        ticket_id, title, created = stored("tickets", ticket_id)
        # the defect: SQLite hands the timestamp back as text, which has no isoformat()
        return StoredTicket(id=ticket_id, title=title, created=created.isoformat())

    @app.post("/labels", status_code=201, response_model=Filed, responses=_INVALID)
    def add_label(item: Title) -> Filed:
        return create("labels", item)

    @app.get("/labels/{label_id}", response_model=StoredTicket, responses=_MISSING)
    def get_label(label_id: str) -> StoredTicket:
        label_id, title, created = stored("labels", label_id)
        return StoredTicket(id=label_id, title=title, created=created)

    return app


PRIORITIES = {0: "low", 1: "normal", 2: "high"}


class NewTask(Strict):
    title: str = Field(min_length=1, max_length=40)
    priority: int = Field(ge=0, le=2)


class TaskUpdate(Strict):
    title: str = Field(min_length=1, max_length=40)
    priority: int = Field(ge=0, le=1000)  # the defect: the update model's bound is wider


class StoredTask(BaseModel):
    id: str
    title: str
    priority: str


def task_board(directory: Path) -> FastAPI:
    """PUT /tasks/{task_id} stores a priority its read cannot name: then the read is a 500."""
    app = _app("task board")
    db = Database(
        directory,
        "CREATE TABLE tasks (id TEXT PRIMARY KEY, title TEXT, priority INTEGER);"
        "CREATE TABLE projects (id TEXT PRIMARY KEY, title TEXT, priority INTEGER);",
    )

    def read(table: str, item_id: str) -> StoredTask:
        item_id, title, priority = db.one(table, "id, title, priority", item_id)
        return StoredTask(id=item_id, title=title, priority=PRIORITIES[priority])

    def update(table: str, item_id: str, item: NewTask | TaskUpdate) -> StoredTask:
        with db.connect() as connection:
            sql = f"UPDATE {table} SET title = ?, priority = ? WHERE id = ?"
            changed = connection.execute(sql, (item.title, item.priority, item_id)).rowcount
        if not changed:
            raise HTTPException(404, "not found")
        return StoredTask(id=item_id, title=item.title, priority=str(item.priority))

    def add(table: str, item: NewTask) -> Filed:
        return Filed(id=db.add(table, title=item.title, priority=item.priority))

    @app.post("/tasks", status_code=201, response_model=Filed, responses=_INVALID)
    def add_task(item: NewTask) -> Filed:
        return add("tasks", item)

    @app.get("/tasks/{task_id}", response_model=StoredTask, responses=_MISSING)
    def get_task(task_id: str) -> StoredTask:
        return read("tasks", task_id)

    @app.put("/tasks/{task_id}", response_model=StoredTask, responses=_MISSING)
    def update_task(task_id: str, item: TaskUpdate) -> StoredTask:
        return update("tasks", task_id, item)

    @app.post("/projects", status_code=201, response_model=Filed, responses=_INVALID)
    def add_project(item: NewTask) -> Filed:
        return add("projects", item)

    @app.get("/projects/{project_id}", response_model=StoredTask, responses=_MISSING)
    def get_project(project_id: str) -> StoredTask:
        return read("projects", project_id)

    @app.put("/projects/{project_id}", response_model=StoredTask, responses=_MISSING)
    def update_project(project_id: str, item: NewTask) -> StoredTask:
        stored = update("projects", project_id, item)
        return stored.model_copy(update={"priority": PRIORITIES[item.priority]})

    return app


class Point(Strict):
    x: float = Field(ge=-1e9, le=1e9)
    y: float = Field(ge=-1e9, le=1e9)
    z: float = Field(ge=-1e9, le=1e9)


class StoredPoint(Point):
    id: int


def survey(directory: Path) -> FastAPI:
    """A correct app whose writes carry a new kind of value nearly every time: what the
    stateful checks cost when they find nothing."""
    app = _app("survey")
    db = Database(
        directory, "CREATE TABLE points (id INTEGER PRIMARY KEY, x REAL, y REAL, z REAL);"
    )

    @app.post("/points", status_code=201, response_model=Created, responses=_INVALID)
    def add_point(point: Point) -> Created:
        sql = "INSERT INTO points (x, y, z) VALUES (?, ?, ?)"
        return Created(id=db.insert(sql, point.x, point.y, point.z))

    @app.get("/points", response_model=list[StoredPoint])
    def list_points() -> list[StoredPoint]:
        rows = db.rows("SELECT id, x, y, z FROM points ORDER BY id DESC LIMIT 20")
        return [StoredPoint(id=i, x=x, y=y, z=z) for i, x, y, z in rows]

    @app.get("/points/{point_id}", response_model=StoredPoint, responses=_MISSING)
    def get_point(point_id: Id) -> StoredPoint:
        key, x, y, z = db.one("points", "id, x, y, z", point_id)
        return StoredPoint(id=key, x=x, y=y, z=z)

    return app


class StatefulPlanted(NamedTuple):
    """An app factory (given a directory for its SQLite file), every finding (id, operation,
    location) a run must report, no more, and the control operations that must stay clean."""

    app: Callable[[Path], FastAPI]
    findings: set[tuple[str, str, str]]
    controls: list[str]


STORED = "stored-input-breaks-read"
# Every stateful planted defect, for tests/fuzzing/test_stateful.py and benchmarks/bench_fuzz.py.
STATEFUL_PLANTED = [
    StatefulPlanted(
        sensor_log,
        {
            (STORED, "POST /readings", "read GET /readings"),
            (STORED, "POST /readings", "read GET /readings/{reading_id}"),
            # Infinity is no JSON, and the app takes it: a validation gap of its own
            ("accepted-invalid-input", "POST /readings", "request body /value"),
        },
        ["POST /gauges", "GET /gauges"],
    ),
    StatefulPlanted(
        lab_notebook,
        {
            (STORED, "POST /measurements", "read GET /measurements/{measurement_id}"),
            ("accepted-invalid-input", "POST /measurements", "request body /value"),  # NaN
        },
        ["POST /weights", "GET /weights/{weight_id}"],
    ),
    StatefulPlanted(
        helpdesk,
        {("server-error", "GET /tickets/{ticket_id}", "exception AttributeError in get_ticket")},
        ["POST /labels", "GET /labels/{label_id}"],
    ),
    StatefulPlanted(
        task_board,
        {(STORED, "PUT /tasks/{task_id}", "read GET /tasks/{task_id}")},
        ["POST /projects", "PUT /projects/{project_id}", "GET /projects/{project_id}"],
    ),
]
