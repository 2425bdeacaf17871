"""Real parts for the monitoring tests: example_app under uvicorn in its own process, deployed
again as another release on the same port, and a webhook receiver speaking HTTP on 127.0.0.1.

A deploy stops the running server and starts the next module on the same port, as a rolling
restart does; between the two the service cannot be reached.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

__all__ = ["SECRET", "Service", "Webhook", "free_port", "webhook"]

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Service:
    """One uvicorn process at a time on a fixed port, serving example_app or a release of it."""

    def __init__(self, rates_url: str, database: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SECRET_KEY": SECRET,
            "RATES_API_URL": rates_url,
            "DATABASE_PATH": str(database),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.module = ""

    def deploy(self, module: str, timeout: float = 30.0) -> None:
        """Stop what runs and serve ``module`` (``example_app.main:app``) on the same port."""
        self.stop()
        self.module = module
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                module,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    err = self.process.stderr.read() if self.process.stderr else b""
                    raise RuntimeError(f"{module} did not start: {err.decode()[-2000:]}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{module} did not start within {timeout}s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None


class Webhook:
    """What a receiver got: every JSON body POSTed to it, in order."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bodies: list[dict[str, Any]] = []
        self.raw: list[bytes] = []
        self.fail_next = 0  # answer this many requests 503 first
        self.lock = threading.Lock()

    def events(self) -> list[tuple[str, str]]:
        with self.lock:
            return [(b["event"], b["cause"]) for b in self.bodies]

    def clear(self) -> None:
        with self.lock:
            self.bodies.clear()
            self.raw.clear()


@contextmanager
def webhook() -> Iterator[Webhook]:
    """A real HTTP receiver on 127.0.0.1 that records JSON bodies (Slack's answer: ``ok``)."""
    received: Webhook

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("content-length") or 0))
            with received.lock:
                failing = received.fail_next > 0
                if failing:
                    received.fail_next -= 1
                else:
                    received.raw.append(data)
                    received.bodies.append(json.loads(data))
            status = 503 if failing else 200
            self.send_response(status)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received = Webhook(f"http://127.0.0.1:{server.server_address[1]}/hooks/T0/B0/s3cr3tpath")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
