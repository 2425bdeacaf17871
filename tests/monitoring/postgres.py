"""A real PostgreSQL server for the history tests, started from Debian's binaries.

``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/<version>/bin`` (or PATH) build a fresh
cluster in a temporary directory and serve it on 127.0.0.1 at a free port, with password
(SCRAM) authentication, so the tests hold a URL with a real password in it. PostgreSQL
refuses to run as root: as root the cluster belongs to the ``postgres`` user (or ``nobody``).
Where the binaries are missing or no server can start, the tests that need one skip, saying
why (``.ci/run`` installs the package).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.monitoring.services import free_port

__all__ = ["PASSWORD", "find_binaries", "postgres_server"]

PASSWORD = "pg-Pa55word-never-shown"
USER = "driftguard"


def find_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, the newest Debian version first."""
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Unavailable(Exception):
    """No server could be started here; the message says why."""


def _owner() -> pwd.struct_passwd | None:
    """Whom the server runs as: None for the current user (unless that is root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise Unavailable("running as root and there is no 'postgres' or 'nobody' user to run as")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Serve a fresh cluster; yields ``postgresql://driftguard:<password>@127.0.0.1:<port>``."""
    binaries = find_binaries()
    if binaries is None:
        raise Unavailable("no PostgreSQL binaries (apt-get install postgresql; CI installs it)")
    owner = _owner()
    base = Path(tempfile.mkdtemp(prefix="driftguard-pg-"))
    as_owner: dict[str, Any] = {}
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
        as_owner = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    data, log, sockets = base / "data", base / "server.log", base / "sockets"
    pwfile = base / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    sockets.mkdir()
    if owner is not None:
        for path in (pwfile, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    port = free_port()

    def run(*command: str, timeout: float = 60) -> None:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=base,
            env=env,
            **as_owner,
        )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise Unavailable(
                f"{Path(command[0]).name} failed: {(done.stderr or done.stdout)[-800:]} {tail}"
            )

    try:
        run(
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )
        run(
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
            "-c max_connections=40",
            "start",
        )
        try:
            yield f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
                cwd=base,
                env=env,
                **as_owner,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def fresh_database(server: str) -> str:
    """A new empty database on the server, so that every test starts without history."""
    import psycopg

    name = f"history_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return server.rsplit("/", 1)[0] + f"/{name}"
