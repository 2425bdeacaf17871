"""In-process apps run their lifespan around requests, as under a server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI

from driftguard import TargetError
from driftguard._asgi import lifespan
from driftguard.targets import Target, open_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def app_with_lifespan(events: list[str], fail: bool = False) -> FastAPI:
    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        events.append("startup")
        if fail:
            raise RuntimeError("database unreachable")
        app.state.ready = True
        yield
        events.append("shutdown")

    app = FastAPI(lifespan=run)

    @app.get("/ready")
    def ready() -> dict[str, bool]:
        return {"ready": bool(getattr(app.state, "ready", False))}

    return app


@pytest.mark.anyio
async def test_requests_see_the_started_app_and_shutdown_runs_after() -> None:
    events: list[str] = []
    app = app_with_lifespan(events)
    async with open_client(Target("app", "tests:app"), app=app) as client:
        response = await client.get("/ready")
        assert response.json() == {"ready": True}
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


@pytest.mark.anyio
async def test_a_failing_startup_is_a_target_error_naming_the_app() -> None:
    with pytest.raises(TargetError, match=r"svc:app: start-up failed: .*database unreachable"):
        async with lifespan(app_with_lifespan([], fail=True), name="svc:app"):
            pass  # pragma: no cover


@pytest.mark.anyio
async def test_an_app_without_lifespan_support_still_runs() -> None:
    async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async with open_client(Target("app", "bare:app"), app=bare) as client:
        assert (await client.get("/")).status_code == 204
