"""Documents and references over HTTP against hostile or sloppy servers: real uvicorn
servers (two of them for two origins) and a raw TCP server, on 127.0.0.1.

The configured headers (an API key) belong to the TARGET's origin and must never reach
another one, whatever redirects say; ``timeout`` bounds a whole fetch, however slowly a
server trickles its answer; a body is bounded in size.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from driftguard import RefError, TargetError, load_spec
from tests.documents import doc, run
from tests.servers import serve

KEY = "s3cret-key"
MONEY = "Money: {type: integer, maximum: 10}\n"
HINT = "(pass --allow-remote-refs, or set allow_remote_refs, to follow it)"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Credentials for the target, as a CI job configures them."""
    path = tmp_path / "driftguard.toml"
    path.write_text(
        f'timeout = 5\n[headers]\nX-Api-Key = "{KEY}"\nAuthorization = "Bearer {KEY}"\n'
    )
    return path


class Elsewhere:
    """The other origin: answers anything, and records the headers of every request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.app = FastAPI(openapi_url=None)
        self.app.add_api_route("/{path:path}", self.answer)

    def answer(self, path: str, request: Request) -> Response:
        self.seen.append({"path": f"/{path}", **request.headers})
        if path.endswith(".yaml"):
            return PlainTextResponse(MONEY)
        return JSONResponse(doc({"type": "string"}))

    def leaked(self) -> list[str]:
        return [h["path"] for h in self.seen if KEY in json.dumps(h) or "cookie" in h]


def target(other: str) -> FastAPI:
    """The TARGET: some of its answers redirect to ``other`` (another origin)."""
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    def moved_away() -> Response:
        response = RedirectResponse(f"{other}/openapi.json", status_code=302)
        response.set_cookie("session", KEY)
        return response

    @app.get("/moved.json")
    def moved_here() -> Response:
        return RedirectResponse("/guarded.json", status_code=307)

    @app.get("/guarded.json")
    def guarded(request: Request) -> Response:
        if request.headers.get("x-api-key") != KEY:
            return Response(status_code=401)
        return JSONResponse(doc({"type": "string"}))

    @app.get("/loop.json")
    def loop() -> Response:
        return RedirectResponse("/loop.json", status_code=302)

    @app.get("/ftp.json")
    def ftp() -> Response:
        return RedirectResponse("ftp://example.invalid/openapi.json", status_code=302)

    @app.get("/served.json")
    def served() -> Response:
        return JSONResponse(doc({"$ref": "money.yaml#/Money"}))

    @app.get("/money.yaml")
    def money() -> Response:
        return RedirectResponse(f"{other}/money.yaml", status_code=301)

    @app.get("/local.json")
    def local() -> Response:
        return JSONResponse(doc({"$ref": "file:///etc/passwd#/root"}))

    return app


@contextmanager
def two_origins() -> Iterator[tuple[str, str, Elsewhere]]:
    elsewhere = Elsewhere()
    with (
        serve(elsewhere.app, lifespan="off") as other,
        serve(target(other), lifespan="off") as base,
    ):
        yield base, other, elsewhere


# -- 1. the document's own fetch ----------------------------------------------------------


def test_a_redirect_to_another_origin_is_refused(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_origins() as (base, other, elsewhere):
        code, out, err = run(["diff", base, base, "--config", str(config)], capsys)
        assert (code, out) == (2, "")
        assert err == (
            f"error: {base}/openapi.json: redirected to {other}/openapi.json on another "
            f"origin; refused {HINT}\n"
        )
        with pytest.raises(TargetError, match="on another origin; refused"):
            load_spec(base, headers={"X-Api-Key": KEY})
    assert elsewhere.seen == []


def test_with_remote_refs_allowed_the_redirect_goes_there_without_credentials(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_origins() as (base, _, elsewhere):
        code, _, err = run(
            ["diff", base, base, "--config", str(config), "--allow-remote-refs"], capsys
        )
        assert (code, err) == (0, "")
        assert load_spec(base, headers={"X-Api-Key": KEY}, allow_remote_refs=True)["paths"]
    assert [h["path"] for h in elsewhere.seen] == ["/openapi.json"] * 3
    assert elsewhere.leaked() == []
    assert not any("authorization" in h or "x-api-key" in h for h in elsewhere.seen)


def test_a_redirect_within_the_origin_is_followed_with_the_headers(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_origins() as (base, _, elsewhere):
        url = f"{base}/moved.json"
        code, _, err = run(["diff", url, url, "--config", str(config)], capsys)
    assert (code, err) == (0, "")
    assert elsewhere.seen == []


def test_endless_and_odd_redirects_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with two_origins() as (base, _, _):
        code, _, err = run(["diff", f"{base}/loop.json", f"{base}/loop.json"], capsys)
        assert code == 2
        assert err == (
            f"error: {base}/loop.json: more than 10 redirects; refusing to follow more\n"
        )
        code, _, err = run(["diff", f"{base}/ftp.json", f"{base}/ftp.json"], capsys)
    assert code == 2
    assert err == (
        f"error: {base}/ftp.json: redirected to ftp://example.invalid/openapi.json, which is "
        "not an http(s) URL; refusing it\n"
    )


# -- 2. references of a served document, and remote references of a file -----------------


def test_a_same_origin_reference_that_redirects_elsewhere_is_refused(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_origins() as (base, other, elsewhere):
        url = f"{base}/served.json"
        code, _, err = run(["diff", url, url, "--config", str(config)], capsys)
        assert code == 2
        assert err == (
            f"error: {base}/money.yaml: redirected to {other}/money.yaml on another origin; "
            f"refused {HINT}\n"
        )
        with pytest.raises(RefError, match="on another origin"):
            load_spec(url)
        assert elsewhere.seen == []
        code, _, err = run(
            ["diff", url, url, "--config", str(config), "--allow-remote-refs"], capsys
        )
    assert (code, err) == (0, "")
    assert [h["path"] for h in elsewhere.seen] == ["/money.yaml"] * 2
    assert elsewhere.leaked() == []


def test_a_files_remote_references_get_no_credentials(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_origins() as (_, other, elsewhere):
        path = tmp_path / "api.json"
        path.write_text(json.dumps(doc({"$ref": f"{other}/money.yaml#/Money"})))
        code, _, err = run(
            ["diff", str(path), str(path), "--config", str(config), "--allow-remote-refs"],
            capsys,
        )
    assert (code, err) == (0, "")
    assert len(elsewhere.seen) == 2
    assert elsewhere.leaked() == []


def test_a_served_document_cannot_reach_local_files(capsys: pytest.CaptureFixture[str]) -> None:
    with two_origins() as (base, _, _):
        url = f"{base}/local.json"
        code, _, err = run(["diff", url, url, "--allow-remote-refs"], capsys)
    assert code == 2
    assert err == (
        f"error: {url}: a served document cannot reference the local file file:///etc/passwd\n"
    )


# -- 9. one deadline per fetch ------------------------------------------------------------


def trickling() -> FastAPI:
    """Answers at once, then sends its body a byte every half second, for 20 seconds."""
    app = FastAPI(openapi_url=None)

    async def drip() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b" "
            await asyncio.sleep(0.5)

    @app.get("/openapi.json")
    def document() -> Response:
        return StreamingResponse(drip(), media_type="application/json")

    @app.get("/fast.json")
    def fast() -> Response:
        return JSONResponse(doc({"$ref": "slow.yaml#/Money"}))

    @app.get("/slow.yaml")
    def slow() -> Response:
        return StreamingResponse(drip(), media_type="application/yaml")

    @app.get("/huge.json")
    def huge() -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(65):
                yield b" " * (1024 * 1024)

        return StreamingResponse(chunks(), media_type="application/json")

    return app


def timed(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[float, int, str]:
    started = time.monotonic()
    code, _, err = run(args, capsys)
    return time.monotonic() - started, code, err


def test_a_trickling_document_is_cut_off_at_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text("timeout = 1.5\n")
    with serve(trickling(), lifespan="off") as base:
        seconds, code, err = timed(["diff", base, base, "--config", str(config)], capsys)
    assert seconds < 1.5 + 1.5
    assert code == 2
    assert err == (
        f"error: {base}/openapi.json: no complete answer within 1.5s (the timeout bounds the "
        "whole fetch)\n"
    )


def test_a_trickling_reference_is_cut_off_at_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text("timeout = 1.5\n")
    with serve(trickling(), lifespan="off") as base:
        url = f"{base}/fast.json"
        seconds, code, err = timed(["diff", url, url, "--config", str(config)], capsys)
    assert seconds < 1.5 + 1.5
    assert code == 2
    assert err.startswith(f"error: {base}/slow.yaml: no complete answer within 1.5s")


@contextmanager
def trickling_headers() -> Iterator[str]:
    """A raw TCP server that accepts, then writes its status line and headers a byte every
    half second (no HTTP library would produce this on purpose)."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 40:
                if stop.wait(0.5):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        server.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        server.close()
        thread.join(5)


def test_trickling_headers_are_cut_off_at_the_timeout() -> None:
    with trickling_headers() as base:
        started = time.monotonic()
        with pytest.raises(TargetError, match=r"no complete answer within 1\.5s"):
            load_spec(base, timeout=1.5)
        assert time.monotonic() - started < 1.5 + 1.5


def test_the_deadline_holds_inside_a_running_event_loop() -> None:
    """The synchronous API called from async code (an async test, an async app)."""

    async def inside(url: str) -> Any:
        return load_spec(url, timeout=1.5)

    with serve(trickling(), lifespan="off") as base:
        started = time.monotonic()
        with pytest.raises(TargetError, match=r"no complete answer within 1\.5s"):
            asyncio.run(inside(base))
        assert time.monotonic() - started < 1.5 + 1.5
        with two_origins() as (_, other, _):
            document = asyncio.run(inside(other))
    assert document["paths"]


def test_an_endless_answer_is_refused_past_the_size_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serve(trickling(), lifespan="off") as base:
        url = f"{base}/huge.json"
        code, _, err = run(["diff", url, url], capsys)
    assert code == 2
    assert err == f"error: {url}: the answer is larger than 64 MiB; refusing it\n"
