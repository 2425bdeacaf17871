"""The history database: every watch run and every incident, in SQLite or PostgreSQL.

``--history`` takes what SQLAlchemy users write (``sqlite:///relative.db``,
``sqlite:////absolute.db``, ``postgresql://user:pass@host:5432/db``,
``postgresql+psycopg://...``) or a plain file path; without it the history is a SQLite file
beside the snapshots (``.driftguard/history.db``). SQLite is the standard library's;
PostgreSQL needs the ``postgres`` extra (psycopg 3), imported only when a URL names it.

Several watchers may write at once (two CronJobs overlapping, one watcher per region): each
run is recorded in one transaction that first takes the writer's lock (SQLite's
``BEGIN IMMEDIATE``, waiting up to ``busy_timeout``; PostgreSQL's transaction-scoped advisory
lock per target), so the runs of one target are judged one after the other and an incident is
opened, and announced, once. A partial unique index (one open incident per target and cause)
holds that rule in the database itself. The schema is created on first use, under the same
lock.

A password in a URL never leaves this module: :attr:`HistoryURL.shown` is the URL redacted
by the one rule set (:mod:`driftguard._redact`), and errors quote only that.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from driftguard._errors import DriftguardError, UsageError, one_line
from driftguard._redact import redact_text

__all__ = [
    "DEFAULT_FILE",
    "HistoryStore",
    "HistoryURL",
    "Incident",
    "RunRecord",
    "open_history",
    "utc_now",
]

DEFAULT_FILE = Path(".driftguard") / "history.db"
POSTGRES_EXTRA = "pip install 'driftguard[postgres]'"
BUSY_TIMEOUT_MS = 30_000

Outcome = Literal["clean", "drift", "unreachable"]
Kind = Literal["drift", "unreachable"]


def utc_now() -> str:
    """Now, as every time in the history is written: ISO 8601 UTC to the second, ``Z``
    (text that sorts as time does, in both databases)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class HistoryURL:
    """Where the history lives: a SQLite file or a PostgreSQL connection string."""

    kind: Literal["sqlite", "postgresql"]
    path: Path | None = None  # sqlite
    dsn: str | None = None  # postgresql, as psycopg reads it
    shown: str = ""  # for messages and pages: the password redacted

    @classmethod
    def parse(
        cls,
        text: str | None,
        *,
        default_dir: Path,
        where: str = "--history",
        relative_to: Path | None = None,
    ) -> HistoryURL:
        """Read ``--history`` (or what ``where`` names); None is the default file beside the
        snapshots. A relative SQLite path is taken from ``relative_to`` (the configuration's
        directory, for a path written there), else from the current directory."""
        if text is None or not text.strip():
            path = default_dir / DEFAULT_FILE
            return cls("sqlite", path=path, shown=str(path))
        text = text.strip()
        base = relative_to if relative_to is not None else Path()
        if "://" not in text:
            return cls("sqlite", path=base / text, shown=redact_text(text))
        scheme, _, rest = text.partition("://")
        dialect, _, _driver = scheme.lower().partition("+")
        shown = redact_text(text)
        if dialect == "sqlite":
            # SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db
            if not rest.startswith("/") or rest in ("/", "/:memory:"):
                raise UsageError(
                    f"{where} {shown}: write sqlite:///relative/file.db or "
                    "sqlite:////absolute/file.db (a history in memory would be lost)"
                )
            path = base / rest[1:].split("?", 1)[0]
            return cls("sqlite", path=path, shown=shown)
        if dialect in ("postgresql", "postgres"):
            parts = urlsplit(text)
            if not parts.hostname and not parts.path.strip("/") and not parts.query:
                raise UsageError(f"{where} {shown}: names no host and no database")
            dsn = "postgresql://" + rest
            return cls("postgresql", dsn=dsn, shown=shown)
        raise UsageError(
            f"{where} {shown}: unsupported database {dialect!r} "
            "(use a SQLite file, sqlite:///file.db, or postgresql://user@host/db)"
        )

    def hide(self, text: str) -> str:
        """A driver's message with the URL's password taken out, whatever it quoted."""
        if self.dsn is not None:
            password = urlsplit(self.dsn).password
            if password:
                text = text.replace(password, "<redacted>")
        return redact_text(text)


@dataclass
class RunRecord:
    """One watch run, as stored: when, how long, what was seen."""

    target: str
    started: str
    seconds: float
    outcome: Outcome
    exit_code: int
    # causes counted by severity (the report's summary.causes), and the findings
    breaking: int = 0
    warning: int = 0
    info: int = 0
    findings: int = 0
    causes: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "started": self.started,
            "seconds": self.seconds,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "causes_by_severity": {
                "breaking": self.breaking,
                "warning": self.warning,
                "info": self.info,
            },
            "findings": self.findings,
            "causes": self.causes,
            "error": self.error,
        }


@dataclass
class Incident:
    """A cause (or the target being unreachable) from the run that first saw it until the
    first run that no longer does."""

    target: str
    cause: str
    kind: Kind
    rule: str
    severity: str
    message: str
    opened: str
    last_seen: str
    resolved: str | None = None
    runs: int = 1
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "cause": self.cause,
            "kind": self.kind,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "opened": self.opened,
            "last_seen": self.last_seen,
            "resolved": self.resolved,
            "runs": self.runs,
            "open": self.is_open,
        }


_RUN_COLUMNS = (
    "target, started, seconds, outcome, exit_code, breaking, warning, info, findings, causes, error"
)
_INCIDENT_COLUMNS = (
    "target, cause, kind, rule, severity, message, opened, last_seen, resolved, runs"
)
_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS driftguard_runs (
        id {id}, target TEXT NOT NULL, started TEXT NOT NULL, seconds REAL NOT NULL,
        outcome TEXT NOT NULL, exit_code INTEGER NOT NULL, breaking INTEGER NOT NULL,
        warning INTEGER NOT NULL, info INTEGER NOT NULL, findings INTEGER NOT NULL,
        causes TEXT NOT NULL, error TEXT)""",
    "CREATE INDEX IF NOT EXISTS driftguard_runs_started ON driftguard_runs (started)",
    """CREATE TABLE IF NOT EXISTS driftguard_incidents (
        id {id}, target TEXT NOT NULL, cause TEXT NOT NULL, kind TEXT NOT NULL,
        rule TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
        opened TEXT NOT NULL, last_seen TEXT NOT NULL, resolved TEXT, runs INTEGER NOT NULL)""",
    # one open incident per target and cause, whoever writes
    """CREATE UNIQUE INDEX IF NOT EXISTS driftguard_incidents_open
        ON driftguard_incidents (target, cause) WHERE resolved IS NULL""",
]


class _Connection(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...


class Transaction:
    """The statements of one locked transaction, in the database's own parameter style."""

    def __init__(self, connection: _Connection, mark: str) -> None:
        self._db = connection
        self._mark = mark

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql.replace("?", self._mark), tuple(params))

    def add_run(self, run: RunRecord) -> int:
        values = (
            run.target,
            run.started,
            run.seconds,
            run.outcome,
            run.exit_code,
            run.breaking,
            run.warning,
            run.info,
            run.findings,
            json.dumps(run.causes, sort_keys=True),
            run.error,
        )
        marks = ", ".join("?" * len(values))
        row = self.execute(
            f"INSERT INTO driftguard_runs ({_RUN_COLUMNS}) VALUES ({marks}) RETURNING id", values
        ).fetchone()
        run.id = int(row[0])
        return run.id

    def open_incidents(self, target: str) -> list[Incident]:
        rows = self.execute(
            f"SELECT id, {_INCIDENT_COLUMNS} FROM driftguard_incidents "
            "WHERE target = ? AND resolved IS NULL ORDER BY id",
            (target,),
        ).fetchall()
        return [_incident(row) for row in rows]

    def open(self, incident: Incident) -> Incident | None:
        """Insert an open incident; None when one is already open for its cause."""
        values = (
            incident.target,
            incident.cause,
            incident.kind,
            incident.rule,
            incident.severity,
            incident.message,
            incident.opened,
            incident.last_seen,
            None,
            incident.runs,
        )
        marks = ", ".join("?" * len(values))
        row = self.execute(
            f"INSERT INTO driftguard_incidents ({_INCIDENT_COLUMNS}) VALUES ({marks}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            values,
        ).fetchone()
        if row is None:
            return None
        incident.id = int(row[0])
        return incident

    def seen(self, incident: Incident, when: str) -> None:
        self.execute(
            "UPDATE driftguard_incidents SET last_seen = ?, runs = runs + 1 WHERE id = ?",
            (when, incident.id),
        )
        incident.last_seen, incident.runs = when, incident.runs + 1

    def resolve(self, incident: Incident, when: str) -> bool:
        """Resolve an open incident; False when another writer already has."""
        done = self.execute(
            "UPDATE driftguard_incidents SET resolved = ? WHERE id = ? AND resolved IS NULL",
            (when, incident.id),
        )
        if done.rowcount != 1:
            return False
        incident.resolved = when
        return True


def _incident(row: Sequence[Any]) -> Incident:
    return Incident(
        id=int(row[0]),
        target=row[1],
        cause=row[2],
        kind=row[3],
        rule=row[4],
        severity=row[5],
        message=row[6],
        opened=row[7],
        last_seen=row[8],
        resolved=row[9],
        runs=int(row[10]),
    )


def _run(row: Sequence[Any]) -> RunRecord:
    return RunRecord(
        id=int(row[0]),
        target=row[1],
        started=row[2],
        seconds=float(row[3]),
        outcome=row[4],
        exit_code=int(row[5]),
        breaking=int(row[6]),
        warning=int(row[7]),
        info=int(row[8]),
        findings=int(row[9]),
        causes=json.loads(row[10]),
        error=row[11],
    )


class HistoryStore:
    """The runs and incidents of one history database."""

    def __init__(self, url: HistoryURL) -> None:
        self.url = url
        self._ready = False

    @property
    def shown(self) -> str:
        return self.url.shown

    def _fail(self, doing: str, exc: BaseException) -> DriftguardError:
        return DriftguardError(f"history {self.url.shown}: {doing}: {self.url.hide(one_line(exc))}")

    @contextmanager
    def transaction(self, target: str = "") -> Iterator[Transaction]:
        """One transaction holding the writer's lock (for ``target``, on PostgreSQL);
        the schema is created first if it is not there yet."""
        if self.url.kind == "sqlite":
            with self._sqlite() as tx:
                yield tx
        else:
            with self._postgres(target) as tx:
                yield tx

    @contextmanager
    def _sqlite(self) -> Iterator[Transaction]:
        assert self.url.path is not None
        try:
            self.url.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: the transaction is begun here, as BEGIN IMMEDIATE (the
            # writer's lock first, so two watchers never both read and then both write)
            db = sqlite3.connect(
                self.url.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except (OSError, sqlite3.Error) as exc:
            raise self._fail("cannot open it", exc) from None

        def begin(tx: Transaction) -> None:
            tx.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _write_ahead_log(tx)
            tx.execute("BEGIN IMMEDIATE")
            if not self._ready:
                for statement in _SCHEMA:
                    tx.execute(statement.format(id="INTEGER PRIMARY KEY AUTOINCREMENT"))

        with self._within(
            Transaction(db, "?"),
            begin,
            commit=lambda: db.execute("COMMIT"),
            rollback=lambda: db.execute("ROLLBACK"),
            close=db.close,
            errors=sqlite3.Error,
        ) as tx:
            yield tx

    @contextmanager
    def _postgres(self, target: str) -> Iterator[Transaction]:
        try:
            import psycopg
        except ImportError:
            raise DriftguardError(
                f"--history {self.url.shown} needs the postgres extra: {POSTGRES_EXTRA}"
            ) from None
        assert self.url.dsn is not None
        try:
            db = psycopg.connect(self.url.dsn, connect_timeout=10)
        except psycopg.Error as exc:
            raise self._fail("cannot connect", exc) from None

        def begin(tx: Transaction) -> None:
            if not self._ready:
                self._postgres_schema(tx)
            if target:
                tx.execute("SELECT pg_advisory_xact_lock(?)", (_lock_id(target),))

        with self._within(
            Transaction(db, "%s"),
            begin,
            commit=db.commit,
            rollback=db.rollback,
            close=db.close,
            errors=psycopg.Error,
        ) as tx:
            yield tx

    @contextmanager
    def _within(
        self,
        tx: Transaction,
        begin: Callable[[Transaction], None],
        *,
        commit: Callable[[], object],
        rollback: Callable[[], object],
        close: Callable[[], object],
        errors: type[Exception],
    ) -> Iterator[Transaction]:
        """One transaction on an open connection, whichever the database: begun (locks
        taken, the schema made on first use), committed, or rolled back on any exception;
        a database error as one DriftguardError; the connection closed in every case."""
        try:
            begin(tx)
            try:
                yield tx
            except BaseException:
                rollback()
                raise
            commit()
            self._ready = True
        except errors as exc:
            self._ready = False  # (a database replaced meanwhile: make the schema again)
            raise self._fail("cannot use it", exc) from None
        finally:
            close()

    @staticmethod
    def _postgres_schema(tx: Transaction) -> None:
        """Create the tables unless they are there, under a lock of the schema's own: DDL
        runs only on first use (``CREATE INDEX IF NOT EXISTS`` locks the table even when the
        index exists, which deadlocks against watchers writing runs) and by one writer."""
        # pg_indexes read as a table, in this statement's snapshot: to_regclass would answer
        # from the session's catalog cache, which a wait on an advisory lock never refreshes
        # (it said "absent" after another writer had committed the schema, and the DDL ran
        # again into the writers' inserts).
        done = (
            "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname = 'driftguard_incidents_open')"
        )
        if tx.execute(done).fetchone()[0]:
            return
        tx.execute("SELECT pg_advisory_xact_lock(?)", (_lock_id(""),))
        if tx.execute(done).fetchone()[0]:
            return
        for statement in _SCHEMA:
            tx.execute(statement.format(id="BIGSERIAL PRIMARY KEY"))

    def _absent(self) -> bool:
        """A SQLite history that was never written: read as empty, and not created."""
        return (
            self.url.kind == "sqlite" and self.url.path is not None and not self.url.path.exists()
        )

    def runs(self, since: str | None = None) -> list[RunRecord]:
        if self._absent():
            return []
        with self.transaction() as tx:
            rows = tx.execute(
                f"SELECT id, {_RUN_COLUMNS} FROM driftguard_runs WHERE started >= ? ORDER BY id",
                (since or "",),
            ).fetchall()
        return [_run(row) for row in rows]

    def incidents(self, since: str | None = None) -> list[Incident]:
        """Every incident open now, or resolved since ``since``."""
        if self._absent():
            return []
        with self.transaction() as tx:
            rows = tx.execute(
                f"SELECT id, {_INCIDENT_COLUMNS} FROM driftguard_incidents "
                "WHERE resolved IS NULL OR resolved >= ? ORDER BY id",
                (since or "",),
            ).fetchall()
        return [_incident(row) for row in rows]


def _lock_id(target: str) -> int:
    """A 64-bit advisory lock key per target (the empty target: the schema's)."""
    return zlib.crc32(f"driftguard-history\x1f{target}".encode()) - (1 << 31)


def _write_ahead_log(tx: Transaction) -> None:
    """Put a SQLite history in WAL mode, once: the mode stays in the file.

    Switching needs the file to itself, and SQLite refuses it at once, without the busy
    wait, while another connection works in it: several watchers starting on a new file
    did (one ended "database is locked"). So the mode is read first, and the switch, when
    still needed, is tried again until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.01
    while True:
        try:
            if str(tx.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                tx.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def open_history(
    text: str | None,
    *,
    default_dir: Path | None = None,
    where: str = "--history",
    relative_to: Path | None = None,
) -> HistoryStore:
    """The store that ``--history`` names (None: ``.driftguard/history.db`` in
    ``default_dir``, by default the current directory); ``where`` and ``relative_to`` for a
    URL from elsewhere (the configuration's ``watch.history``)."""
    base = default_dir if default_dir is not None else Path(os.curdir)
    url = HistoryURL.parse(text, default_dir=base, where=where, relative_to=relative_to)
    return HistoryStore(url)
