"""The SQLite database file and sessions that stay correct under concurrent requests.

Route handlers run in a thread pool, so several requests use the database at once.
SQLite allows one writer at a time; what goes wrong by default is the *upgrade*: two
transactions read, then both try to write, and one fails at once with "database is
locked" (waiting would deadlock). So:

- write-ahead logging, so readers never block the writer and the writer never blocks
  readers;
- write sessions begin with ``BEGIN IMMEDIATE``: they take the write lock first and queue
  behind each other (up to ``busy_timeout``) instead of failing half-way;
- read sessions begin a plain (deferred) transaction: a consistent snapshot, no lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from example_app.db.models import Base

__all__ = ["Database"]

BUSY_TIMEOUT_SECONDS = 30.0
_BEGIN_OPTION = "example_app_begin"


class Database:
    """One SQLite file: its engine, and factories for read and write sessions."""

    def __init__(self, path: Path, *, pool_size: int = 10) -> None:
        self.path = path
        self.engine: Engine = create_engine(
            f"sqlite+pysqlite:///{path}",
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            pool_size=pool_size,
            # No upper bound: a request may hold a read and a write session at once, and a
            # bounded pool shared by 40 worker threads could leave them all waiting.
            max_overflow=-1,
        )
        event.listen(self.engine, "connect", _configure_connection)
        event.listen(self.engine, "begin", _begin)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"}),
            expire_on_commit=False,
        )

    def create_tables(self) -> None:
        """Create the tables that do not exist yet (existing data is kept)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading: a consistent snapshot, never blocks writers."""
        with self._reader() as session:
            yield session

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """A session for changing data: holds the write lock from its first statement."""
        with self._writer() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _configure_connection(connection: sqlite3.Connection, record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling would
    # begin only before the first write, after the reads, which is the upgrade above).
    connection.isolation_level = None
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))
