"""The upgrade pair at work: each side's bookshop in its own process, and driftguard between.

:func:`serving` starts ``python -m tests.upgrade.serve`` with a side's interpreter and
yields its base URL once it answers ``/health``; :func:`snapshot_then_check` runs the real
CLI, ``snapshot`` against one URL and ``check --format json`` against the other, with the
probes of :data:`PROBES_TOML`. The test and ``report.py`` both use them.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from driftguard.cli import main
from tests.upgrade.envs import ROOT

__all__ = ["PROBES_TOML", "TOKEN_VARIABLE", "serving", "snapshot_then_check"]

TOKEN_VARIABLE = "BOOKSHOP_TOKEN"
USER = {"username": "ada", "password": "analytical-engine-1843"}

# The probes of every endpoint, the failing requests among them: each 422 shows the new
# validation error body. Pydantic 1 accepts (201) and Pydantic 2 refuses (422) the review
# without a comment and the numeric postcode: they expect no status, so that either side
# can be snapshotted (the status recorded is compared all the same).
PROBES_TOML = """\
snapshots = "snapshots"

[[probes]]
name = "login"
method = "POST"
path = "/token"
data = { username = "ada", password = "analytical-engine-1843" }

[[probes]]
name = "login-wrong-password"
method = "POST"
path = "/token"
data = { username = "ada", password = "guess" }
status = 401

[[probes]]
name = "me"
path = "/me"
headers = { Authorization = "Bearer ${BOOKSHOP_TOKEN}" }

[[probes]]
name = "me-without-token"
path = "/me"
status = 401

[[probes]]
name = "authors"
path = "/authors"

[[probes]]
name = "author"
path = "/authors/2"

[[probes]]
name = "author-missing"
path = "/authors/999"
status = 404

[[probes]]
name = "plans"
path = "/plans"
values = ["$[*].monthly"]

[[probes]]
name = "publishers"
path = "/publishers"
values = true

[[probes]]
name = "books"
path = "/books"

[[probes]]
name = "books-by-genre"
path = "/books"
params = { genre = "fiction", limit = 5 }

[[probes]]
name = "books-bad-query"
path = "/books"
params = { genre = "cookery", limit = 500 }
status = 422

[[probes]]
name = "book"
path = "/books/1"

[[probes]]
name = "book-not-an-id"
path = "/books/abc"
status = 422

[[probes]]
name = "reviews"
path = "/books/1/reviews"

[[probes]]
name = "post-review"
method = "POST"
path = "/books/2/reviews"
json = { rating = 5, title = "Billions and billions", comment = "Made me look up.", reviewerName = "Ann" }
status = 201

[[probes]]
name = "post-review-without-comment"
method = "POST"
path = "/books/2/reviews"
json = { rating = 4, title = "Good", reviewerName = "Bea" }

[[probes]]
name = "post-review-invalid"
method = "POST"
path = "/books/2/reviews"
json = { rating = 7, title = "A title far longer than the eighty characters that a review title may have at most", comment = "" }
status = 422

[[probes]]
name = "order"
path = "/orders/1001"
headers = { Authorization = "Bearer ${BOOKSHOP_TOKEN}" }

[[probes]]
name = "create-order"
method = "POST"
path = "/orders"
headers = { Authorization = "Bearer ${BOOKSHOP_TOKEN}" }
json = { lines = [{ book_id = 3, quantity = 1 }], ship_to = { name = "Ada Lovelace", street = "Unter den Linden 6", city = "Berlin", postcode = "10117" } }
status = 201

[[probes]]
name = "create-order-numeric-postcode"
method = "POST"
path = "/orders"
headers = { Authorization = "Bearer ${BOOKSHOP_TOKEN}" }
json = { lines = [{ book_id = 4, quantity = 2 }], ship_to = { name = "Ada Lovelace", street = "Unter den Linden 6", city = "Berlin", postcode = 10117 } }

[[probes]]
name = "create-order-invalid"
method = "POST"
path = "/orders"
headers = { Authorization = "Bearer ${BOOKSHOP_TOKEN}" }
json = { lines = [{ book_id = 1, quantity = 0 }] }
status = 422
"""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the server gets SIGTERM if the process that started it dies (a killed pytest)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _Server:
    """One side's bookshop in a process of its own: started, then awaited, then stopped."""

    def __init__(self, python: Path) -> None:
        self.python = python
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        self.process = subprocess.Popen(
            [str(python), "-m", "tests.upgrade.serve"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def wait_ready(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self._port(deadline)}"
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                self._fail("exited before answering /health")
            if time.monotonic() > deadline:
                self._fail(f"did not answer /health within {timeout:g}s")
            time.sleep(0.05)

    def _port(self, deadline: float) -> int:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(max(0.0, deadline - time.monotonic())):
                self._fail("did not say which port it listens on")
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            self._fail("exited before binding a port")
        return int(line)

    def _fail(self, what: str) -> None:
        self.stop()
        self.log.seek(0)
        output = self.log.read().decode(errors="replace").strip()[-2000:]
        raise RuntimeError(f"the bookshop under {self.python} {what}:\n{output}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()


@contextlib.contextmanager
def serving(*pythons: Path, timeout: float = 30.0) -> Iterator[list[str]]:
    """Serve the bookshop once under each interpreter (started together); their URLs."""
    servers: list[_Server] = []
    try:
        servers.extend(_Server(python) for python in pythons)
        yield [server.wait_ready(timeout) for server in servers]
    finally:
        for server in servers:
            server.stop()


def login(url: str) -> str:
    """A bearer token from the service's own /token endpoint, as a client gets one."""
    response = httpx.post(f"{url}/token", data=USER, timeout=10.0)
    response.raise_for_status()
    return str(response.json()["access_token"])


def run_cli(*args: str) -> tuple[int, str]:
    """``driftguard ARGS`` in this process: its exit code and what it wrote to stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


@contextlib.contextmanager
def _token_for(url: str) -> Iterator[None]:
    before = os.environ.get(TOKEN_VARIABLE)
    os.environ[TOKEN_VARIABLE] = login(url)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TOKEN_VARIABLE, None)
        else:
            os.environ[TOKEN_VARIABLE] = before


def snapshot_then_check(old_url: str, new_url: str, workdir: Path) -> tuple[int, dict[str, Any]]:
    """``snapshot`` OLD, then ``check --format json`` NEW, in ``workdir``: (exit code, report).

    Each side gets a token from its own /token first (``${BOOKSHOP_TOKEN}`` in the probes).
    """
    config = workdir / "driftguard.toml"
    config.write_text(PROBES_TOML, encoding="utf-8")
    with _token_for(old_url):
        code, err = run_cli("snapshot", old_url, "--config", str(config))
    if code != 0:
        raise RuntimeError(f"driftguard snapshot {old_url} exited {code}: {err}")
    output = workdir / "report.json"
    with _token_for(new_url):
        code, err = run_cli(
            "check", new_url, "--config", str(config), "--format", "json", "--output", str(output)
        )
    if code == 2:
        raise RuntimeError(f"driftguard check {new_url} exited 2: {err}")
    return code, json.loads(output.read_text(encoding="utf-8"))
