"""``--serve``: a ``module:attr`` app under uvicorn on 127.0.0.1, fuzzed over real HTTP.

In-process (httpx's ``ASGITransport``) an app never meets an HTTP server: a response header
that is not valid HTTP passes, where uvicorn drops the connection. Served, the fuzzer sees
what a client of the deployed app sees.

The app runs in a process of its own (``python -m uvicorn module:attr``), not in a thread of
driftguard's, because that is how it runs in production: uvicorn imports the module afresh,
so the app's state (module globals, caches, database connections) is its own and not shared
with the copy driftguard imported to read the document; it has its own event loop and its
own interpreter lock; and a handler that exits or kills its process takes the server down,
as it would in production, instead of driftguard, which then says that the server stopped.
The command is the one ``details.serve`` prints, so a reproduction meets the app as fuzzed.

The socket is bound and listening before uvicorn starts and handed to it (``--fd``): the port
is free and known, and nothing can take it in between. The server is stopped (SIGTERM, so
the app's shut-down runs; SIGKILL if it does not end) whenever the block ends: at the end of
the run, on an error, on Ctrl-C and at the time budget; and at the interpreter's exit, for
a run abandoned in a thread. A driftguard killed outright (SIGKILL) runs none of that: the
server watches the run that started it and stops itself (:mod:`driftguard.fuzzing._served`).
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from driftguard._errors import TargetError
from driftguard.fuzzing._parent import PARENT, STOP_SECONDS
from driftguard.targets import Target

__all__ = ["Server", "served"]

# The last line of a traceback: ``module.SomeError: message``.
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit)\b.*")


@dataclass
class Server:
    """A uvicorn process serving the app at ``url``."""

    target: Target
    url: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    @property
    def command(self) -> str:
        return f"uvicorn {self.target.value}"

    def why_down(self) -> str | None:
        """How the server ended (``exited with code 3``, ``was killed by SIGKILL``); None
        while it runs. What it logged is left out: during a run that is mostly the
        tracebacks of the 500s it answered, not why it went."""
        code = self.process.poll()
        if code is None:
            return None
        if code < 0:
            return f"{self.command} was killed by {signal.Signals(-code).name}"
        return f"{self.command} exited with code {code}"

    def last_words(self) -> str:
        """What uvicorn or the app wrote last that says why: the last exception line of a
        traceback (``RuntimeError: the database is not reachable``), else the last line
        that is not routine (``ERROR: Error loading ASGI app...``)."""
        self.log.flush()
        self.log.seek(0)
        lines = [
            line.strip()
            for line in self.log.read().decode("utf-8", errors="replace").splitlines()
            if line.strip() and not line.startswith(("INFO:", " ", "\t", "Traceback"))
        ]
        raised = [line for line in lines if _EXCEPTION_LINE.match(line)]
        return (raised or lines or [""])[-1]


@contextmanager
def served(target: Target, *, timeout: float) -> Iterator[Server]:
    """Serve a ``module:attr`` target on a free port of 127.0.0.1 for the length of the block.

    A server that exits or does not answer within ``timeout`` seconds is a TargetError that
    says why (uvicorn's last line: the import error, the failed start-up).
    """
    # A file, not a pipe, for what uvicorn writes: a chatty app can never block on it.
    with tempfile.TemporaryFile() as log:
        process, url = _start(target, log)
        server = Server(target, url, process, log)
        # The command line runs a command in a worker thread, which Ctrl-C leaves behind
        # (the main thread says "interrupted" and exits): the server is stopped at exit too.
        stop = functools.partial(_stop, process)
        atexit.register(stop)
        try:
            _wait_until_up(server, timeout)
            yield server
        finally:
            atexit.unregister(stop)
            stop()


def _start(target: Target, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        # uvicorn takes an --fd socket for a Unix one and leaves Nagle's algorithm on: each
        # answer would wait ~40 ms for a delayed ACK. Accepted sockets inherit this.
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        # uvicorn, watching this process: a run killed outright leaves no server behind
        command = [sys.executable, "-m", "driftguard.fuzzing._served"]
        command += ["--fd", str(listener.fileno())]
        command += ["--log-level", "warning", "--no-access-log", "--lifespan", "auto"]
        if target.app_dir is not None:
            command += ["--app-dir", target.app_dir]
        command.append(target.value)
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=[listener.fileno()],
                cwd=os.getcwd(),
                env={**os.environ, PARENT: str(os.getpid())},
                # Ctrl-C reaches driftguard only, which stops the server in order.
                start_new_session=True,
            )
        except OSError as exc:
            raise TargetError(f"{target.value}: cannot start uvicorn: {exc}") from None
    return process, url  # the process holds the socket now


def _wait_until_up(server: Server, timeout: float) -> None:
    import httpx as client

    deadline = time.monotonic() + timeout
    while True:
        down = server.why_down()
        if down is not None:
            said = server.last_words()
            raise TargetError(
                f"{server.target.value}: the server did not come up: {down}"
                + (f": {said}" if said else "")
            )
        try:
            client.get(server.url + "/", timeout=0.5)
            return  # any HTTP answer: it serves
        except client.HTTPError:
            pass
        if time.monotonic() > deadline:
            said = server.last_words()
            raise TargetError(
                f"{server.target.value}: {server.command} did not answer on {server.url} "
                f"within {timeout:g}s" + (f" ({said})" if said else "")
            )
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
