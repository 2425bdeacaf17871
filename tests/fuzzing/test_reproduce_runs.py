"""Every reproduction driftguard prints runs as printed, in bash and in dash (``sh``).

The curl lines are executed with the real curl against apps under uvicorn on 127.0.0.1: an
echo app shows that every byte, header and query character arrives as sent, and the planted
defect apps (plus a multipart upload behind an ``${ENV}`` credential) show that each finding's
reproduction gets an answer of the same status class as the run did.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, File, Form, HTTPException, Request

from driftguard import Finding, fuzz
from driftguard._redact import Redactor
from driftguard.fuzzing.reproduce import curl_command, redactor_for
from driftguard.fuzzing.transport import Request as Sent
from tests.fuzzing import apps, stateful_apps
from tests.servers import serve

SHELLS = [shell for shell in ("bash", "sh") if shutil.which(shell)]
pytestmark = pytest.mark.skipif(
    shutil.which("curl") is None or not SHELLS, reason="needs curl and a POSIX shell"
)
TOKEN = "upload-secret-1"
EXAMPLES = 10


@pytest.fixture(scope="module")
def curlrc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``CURL_HOME`` whose .curlrc makes each curl print only the status it got, so the
    reproduction itself runs unchanged."""
    home = tmp_path_factory.mktemp("curl")
    (home / ".curlrc").write_text('silent\noutput = "/dev/null"\nwrite-out = "%{http_code}\\n"\n')
    return home


def run(command: str, shell: str, curlrc: Path, env: dict[str, str] | None = None) -> str:
    environment = {"PATH": os.environ["PATH"], "CURL_HOME": str(curlrc), **(env or {})}
    done = subprocess.run(
        [shell, "-c", command], capture_output=True, text=True, env=environment, timeout=30
    )
    assert done.returncode == 0, (shell, command, done.stderr)
    return done.stdout


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "HEAD"])
    async def echo(request: Request) -> Any:
        body = await request.body()
        # the answer's status says whether the request arrived exactly as expected
        expected = request.headers.get("x-expect")
        got = hashlib.sha256(
            b"|".join(
                [
                    request.method.encode(),
                    request.scope["raw_path"],
                    request.url.query.encode(),
                    request.headers.get("x-note", "").encode("latin-1"),
                    request.headers.get("content-type", "").encode(),
                    body,
                ]
            )
        ).hexdigest()
        if got != expected:
            raise HTTPException(418, "not as sent")
        return {"ok": True}

    return app


def fingerprint(request: Sent) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(request.url)
    return hashlib.sha256(
        b"|".join(
            [
                request.method.encode(),
                parts.path.encode(),
                parts.query.encode(),
                (request.header("X-Note") or "").encode("latin-1"),
                (request.header("Content-Type") or "").encode(),
                request.body,
            ]
        )
    ).hexdigest()


MULTIPART = (
    b"--a1b2\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n50% off 'now'\\n\r\n"
    b'--a1b2\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n\x00\xff\xfe-\x1b[0m\r\n--a1b2--\r\n"
)
BODIES = {
    "json": ("application/json", '{"name": "O\'Brien é $HOME `id` \\"q\\" \\ud800"}'.encode()),
    "form": ("application/x-www-form-urlencoded", b"a=%27x%27&b=%24%7BHOME%7D&c=1+2"),
    "multipart": ("multipart/form-data; boundary=a1b2", MULTIPART),
    "nul and invalid utf-8": ("application/octet-stream", b"-\x00\xc3(\xed\xa0\x80%d %s\\0"),
    "lone surrogate": ("text/plain", "x\ud800y".encode("utf-8", "surrogatepass")),
    "newlines": ("text/plain", b"line 1\nline 2\r\n\ttab"),
}


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serve(echo_app()) as url:
        yield url


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("kind", sorted(BODIES))
def test_bodies_arrive_byte_for_byte(kind: str, shell: str, echo: str, curlrc: Path) -> None:
    content_type, body = BODIES[kind]
    headers = (("Content-Type", content_type), ("X-Note", 'it\'s "$HOME" `id` \\ ok'))
    request = Sent("POST", f"{echo}/items/a%20b?q=%27%22%24x&amp=1&e=", headers, body)
    request = request.with_headers(put={"X-Expect": fingerprint(request)})
    assert run(curl_command(request, Redactor()), shell, curlrc) == "200\n"


@pytest.mark.parametrize("shell", SHELLS)
def test_methods_without_body(shell: str, echo: str, curlrc: Path) -> None:
    for method in ("GET", "HEAD", "PUT"):
        # brackets and braces as httpx sends them (unencoded): curl would read a URL pattern
        request = Sent(method, f"{echo}/q[0]?x=%00%FF&y='&a[1]={{b,c}}")
        request = request.with_headers(put={"X-Expect": fingerprint(request)})
        assert run(curl_command(request, Redactor()), shell, curlrc) == "200\n", method


@pytest.mark.parametrize("shell", SHELLS)
def test_env_header_expands_and_nothing_else_does(shell: str, echo: str, curlrc: Path) -> None:
    redactor = redactor_for({"X-Note": "s3cr'et $x"}, {"X-Note": "${DG_NOTE}"})
    request = Sent("GET", f"{echo}/e?v=$HOME", (("X-Note", "s3cr'et $x"),))
    request = request.with_headers(put={"X-Expect": fingerprint(request)})
    command = curl_command(request, redactor)
    assert "s3cr" not in command
    assert '"X-Note: ${DG_NOTE}"' in command
    assert run(command, shell, curlrc, {"DG_NOTE": "s3cr'et $x", "HOME": "/h"}) == "200\n"


def upload_app() -> FastAPI:
    """POST /upload: a multipart form behind a token header that crashes on a zero count."""
    app = FastAPI()

    @app.post("/upload", responses={401: {"description": "no token"}})
    def upload(
        request: Request,
        count: Annotated[int, Form(ge=0, le=10)],
        data: Annotated[bytes, File()],
    ) -> dict[str, float]:
        if request.headers.get("x-token") != TOKEN:
            raise HTTPException(401, "no token")
        return {"share": 10 / count}  # the defect: count 0

    return app


def status_class(status: int) -> int:
    return status // 100


def reproduce_every_finding(
    app: FastAPI,
    curlrc: Path,
    *,
    seed: int,
    env: dict[str, str] | None = None,
    max_examples: int | None = EXAMPLES,
    **kwargs: Any,
) -> list[Finding]:
    """Fuzz ``app`` over HTTP, then run every reproduction in every shell; the findings."""
    with serve(app) as url:
        report = fuzz(url, max_examples=max_examples, seed=seed, allow_unsafe=True, **kwargs)
        for finding in report.findings:
            command = finding.details["reproduce"]
            for shell in SHELLS:
                got = run(command, shell, curlrc, env).split()
                if finding.id == "concurrency-conflict":
                    continue  # one request alone does not race; it must still run
                expected = finding.details.get("response", {}).get("status", 500)
                assert status_class(int(got[-1])) == status_class(expected), (shell, command)
    return report.findings


@pytest.mark.parametrize("planted", apps.PLANTED, ids=lambda planted: planted.app.__name__)
def test_every_planted_reproduction_reproduces(planted: apps.Planted, curlrc: Path) -> None:
    findings = reproduce_every_finding(planted.app(), curlrc, seed=7)
    assert {defect[0] for defect in planted.defects} <= {f.id for f in findings}


@pytest.mark.parametrize(
    "planted", stateful_apps.STATEFUL_PLANTED, ids=lambda planted: planted.app.__name__
)
def test_every_stateful_reproduction_reproduces_over_http_at_default_settings(
    planted: stateful_apps.StatefulPlanted, curlrc: Path, tmp_path: Path
) -> None:
    """Write then read (create, PUT, read): the chain ends with the read that fails."""
    (tmp_path / "fuzzed").mkdir()
    findings = reproduce_every_finding(
        planted.app(tmp_path / "fuzzed"), curlrc, seed=11, max_examples=None
    )
    over_http = {
        (rule, operation, "response 500" if rule == "server-error" else location)
        for rule, operation, location in planted.findings
    }
    assert {(f.id, f.operation, f.location) for f in findings} == over_http
    # on a fresh service, the write and the read show it again: an item read takes its id
    # from the write's answer, not the one the fuzzed service happened to give
    for finding in findings:
        if finding.id != stateful_apps.STORED:
            continue
        for shell in SHELLS:
            fresh = tmp_path / f"fresh-{shell}-{finding.fingerprint}"
            fresh.mkdir()
            with serve(planted.app(fresh)) as url:
                command = re.sub(r"http://127\.0\.0\.1:\d+", url, finding.details["reproduce"])
                status = str(finding.details["status"])  # a crash, or a schema it breaks
                assert run(command, shell, curlrc).split()[-1] == status, (shell, command)


def test_multipart_reproduction_behind_an_env_credential(curlrc: Path) -> None:
    os.environ["DG_UPLOAD_TOKEN"] = TOKEN
    try:
        findings = reproduce_every_finding(
            upload_app(),
            curlrc,
            seed=3,
            env={"DG_UPLOAD_TOKEN": TOKEN},
            headers={"X-Token": "${DG_UPLOAD_TOKEN}"},
        )
    finally:
        del os.environ["DG_UPLOAD_TOKEN"]
    (crash,) = [f for f in findings if f.id == "server-error"]
    assert "multipart/form-data" in crash.details["reproduce"]
    assert '-H "X-Token: ${DG_UPLOAD_TOKEN}"' in crash.details["reproduce"]
