"""example_app as ``bench_monitor.py`` serves it: ``uvicorn --factory monitored_app:create``.

One app, reached three ways: as it is, through ``DriftMonitor(sample=0.05)`` and through
``DriftMonitor(sample=1.0)`` (against the committed ``snapshots/``), chosen per request by
the ``x-bench-variant`` header. In one process the middleware is the only difference
between the three: separate processes differed from each other by several percent on a busy
machine, more than the bounds being measured.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from driftguard import DriftMonitor
from example_app.app import create_app

ROOT = Path(__file__).resolve().parent.parent
ASGI = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]
VARIANTS = ("none", "0.05", "1.0")


def create() -> ASGI:
    app = create_app()
    snapshots = ROOT / "snapshots"
    stacks: dict[bytes, ASGI] = {
        b"none": app,
        b"0.05": DriftMonitor(app, snapshots=snapshots, sample=0.05),
        b"1.0": DriftMonitor(app, snapshots=snapshots, sample=1.0),
    }

    async def dispatch(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)  # the lifespan: the app's own
            return
        variant = b"none"
        for name, value in scope["headers"]:
            if name == b"x-bench-variant":
                variant = value
        await stacks[variant](scope, receive, send)

    return dispatch
