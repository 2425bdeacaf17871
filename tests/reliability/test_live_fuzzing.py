"""Fuzzing a live service: nothing that changes its data unless allowed, and no false
"clean" when nothing was tested."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from driftguard import TargetError, UsageError, fuzz
from driftguard.cli import main
from tests.servers import serve


def service(received: Counter[str]) -> FastAPI:
    """Records every method it receives; its DELETE would wipe everything."""
    app = FastAPI(title="live data")

    @app.middleware("http")
    async def count(request: Request, call_next: Any) -> Response:
        received[request.method] += 1
        response: Response = await call_next(request)
        return response

    @app.get("/items")
    def items() -> list[str]:
        return ["a"]

    @app.post("/items", status_code=201)
    def create() -> dict[str, int]:
        return {"id": 1}

    @app.delete("/admin/everything", status_code=204)
    def wipe() -> None:
        return None

    return app


def test_a_live_service_gets_only_safe_methods_unless_allowed() -> None:
    received: Counter[str] = Counter()
    with serve(service(received)) as url:
        report = fuzz(url, max_examples=5, seed=1)
        sent = set(received)
        assert sent <= {"GET", "HEAD", "OPTIONS"}, received
        assert any(
            "skipped 2 operation(s) that change data" in note and "DELETE /admin/everything" in note
            for note in report.run.notes
        )
        with pytest.raises(UsageError, match="DELETE /admin/everything changes data"):
            fuzz(url, max_examples=5, seed=1, operations=["DELETE /admin/everything"])
        received.clear()
        fuzz(url, max_examples=5, seed=1, allow_unsafe=True)
        assert {"POST", "DELETE"} <= set(received)


def test_an_in_process_app_still_gets_every_method() -> None:
    received: Counter[str] = Counter()
    fuzz(service(received), max_examples=5, seed=1)
    assert {"POST", "DELETE"} <= set(received)


def test_a_run_where_nothing_succeeded_is_not_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """The document says /v1, the service answers at /: every request is a 404."""
    app = FastAPI(title="misplaced", servers=[{"url": "/v1"}])

    @app.get("/items")
    def items() -> list[str]:
        return ["a"]

    with serve(app) as url:
        with pytest.raises(TargetError, match=r"no request was answered with success"):
            fuzz(url, max_examples=3, seed=1)
        code = main(["fuzz", url, "--max-examples", "3", "--seed", "1"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("error: ")
    assert "prefixed with /v1 from the document's servers[0]" in err
    assert len(err.strip().splitlines()) == 1


def test_not_implemented_for_an_undeclared_method_is_no_server_error() -> None:
    app = FastAPI(title="strict methods")

    @app.middleware("http")
    async def only_declared(request: Request, call_next: Any) -> Response:
        if request.method not in ("GET", "HEAD"):
            return JSONResponse({"detail": "Not Implemented"}, status_code=501)
        response: Response = await call_next(request)
        return response

    @app.get("/items")
    def items() -> list[str]:
        return ["a"]

    report = fuzz(app, max_examples=5, seed=1)
    assert [f for f in report.findings if f.id == "server-error"] == []
