"""Real HTTP for tests: run an ASGI app under uvicorn on 127.0.0.1 in a background thread.

Used by every area that must talk real HTTP (CONTRACT: real parts, not mocks). The socket
is bound before the server starts, so the port is known and free, and the context manager
returns only once the server accepts connections.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import uvicorn

__all__ = ["serve"]


@contextmanager
def serve(
    app: Any, *, lifespan: Literal["auto", "on", "off"] = "on", timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn exited before it started serving")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"uvicorn did not start within {timeout}s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
