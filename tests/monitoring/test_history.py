"""The history store: URLs as SQLAlchemy users write them, and several watchers at once.

Three processes (not threads: separate connections, separate interpreters, as several
CronJobs or regions would be) record runs of one target into one SQLite file, and into one
PostgreSQL database, starting together at a barrier: every run is kept, and the incident
they all see is opened once and resolved once.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from driftguard._errors import UsageError
from driftguard.cli import main
from driftguard.monitoring.history import HistoryURL, Incident, RunRecord, open_history, utc_now
from driftguard.monitoring.incidents import judge
from tests.conftest import ROOT
from tests.monitoring.postgres import PASSWORD

WRITERS = 3


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("sqlite:///relative/h.db", Path("relative/h.db")),
        ("sqlite:////abs/h.db", Path("/abs/h.db")),
        ("plain/h.db", Path("plain/h.db")),
        ("sqlite:///h.db?timeout=5", Path("h.db")),
    ],
)
def test_sqlite_urls_name_files_as_sqlalchemy_does(text: str, path: Path) -> None:
    url = HistoryURL.parse(text, default_dir=Path("/project"))
    assert (url.kind, url.path) == ("sqlite", path)


def test_the_default_history_is_beside_the_snapshots() -> None:
    url = HistoryURL.parse(None, default_dir=Path("/project"))
    assert url.path == Path("/project/.driftguard/history.db")


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg", "postgres"])
def test_postgres_urls_keep_their_password_out_of_sight(scheme: str) -> None:
    url = HistoryURL.parse(f"{scheme}://app:{PASSWORD}@db:5432/shop", default_dir=Path())
    assert url.kind == "postgresql"
    assert url.dsn == f"postgresql://app:{PASSWORD}@db:5432/shop"
    assert url.shown == f"{scheme}://app:<redacted>@db:5432/shop"
    assert PASSWORD not in url.hide(f"could not log in with {PASSWORD}")


def test_a_history_never_written_reads_empty_and_is_not_created(tmp_path: Path) -> None:
    store = open_history(str(tmp_path / "none.db"))
    assert (store.runs(), store.incidents()) == ([], [])
    assert not (tmp_path / "none.db").exists()


def test_a_file_that_is_not_a_database_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "history.db"
    bad.write_text("not a database, a shopping list\n" * 100)
    assert main(["history", "--history", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: history {bad}: cannot use it: DatabaseError: file is not")
    assert len(err.strip().splitlines()) == 1


def test_postgres_without_the_extra_says_which_extra(tmp_path: Path) -> None:
    # The driver made unimportable in a fresh interpreter, as where it is not installed.
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from driftguard.cli import main\n"
        f"sys.exit(main(['history', '--history', 'postgresql://u:{PASSWORD}@127.0.0.1/db']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "error: --history postgresql://u:<redacted>@127.0.0.1/db needs the postgres extra: "
        "pip install 'driftguard[postgres]'\n"
    )


def _writer(url: str, seeing: bool, runs: int, start: Any, results: Any) -> None:
    """One watcher: ``runs`` runs of target ``svc``, each seeing the cause or not."""
    store = open_history(url)
    opened = resolved = 0
    start.wait(60)
    for _ in range(runs):
        when = utc_now()
        run = RunRecord("svc", when, 0.01, "drift" if seeing else "clean", int(seeing))
        seen = []
        if seeing:
            seen = [Incident("svc", "cause-1", "drift", "rule", "breaking", "m", when, when)]
        with store.transaction("svc") as tx:
            events = judge(tx, run, seen)
        opened += sum(1 for e in events if e.kind == "opened")
        resolved += sum(1 for e in events if e.kind == "resolved")
    results.put((opened, resolved))


def _all_at_once(url: str, *, seeing: bool, runs: int) -> tuple[int, int]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WRITERS), context.Queue()
    writers = [
        context.Process(target=_writer, args=(url, seeing, runs, start, results))
        for _ in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
    assert [writer.exitcode for writer in writers] == [0] * WRITERS
    counts = [results.get(timeout=10) for _ in writers]
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_several_watchers_writing_at_once_open_and_resolve_an_incident_once(
    shared_url: str,
) -> None:
    assert _all_at_once(shared_url, seeing=True, runs=12) == (1, 0)
    assert _all_at_once(shared_url, seeing=False, runs=4) == (0, 1)
    store = open_history(shared_url)
    runs = store.runs()
    assert len(runs) == WRITERS * 16
    assert len({run.id for run in runs}) == len(runs)
    (incident,) = store.incidents()
    assert (incident.cause, incident.runs, incident.is_open) == ("cause-1", WRITERS * 12, False)


def test_a_sqlite_url_without_a_file_is_refused() -> None:
    with pytest.raises(UsageError, match="a history in memory would be lost"):
        HistoryURL.parse("sqlite:///:memory:", default_dir=Path())
