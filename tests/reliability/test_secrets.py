"""No secret in any file or report, and reproductions that still run without one.

Hostile inputs that future changes keep passing: credentials under names that say nothing,
inside URLs, PEM blocks and exception texts, in snapshot files (committed to git) and in all
six report formats (pasted into pull requests).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import FastAPI, Form, Header, HTTPException, Query
from fastapi.responses import JSONResponse

from driftguard import fuzz, snapshot
from driftguard._config import Config
from driftguard.formats import FORMATS, render
from tests.servers import serve

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjE5OTk5OTk5OTl9.c2lnbmF0dXJlLXZhbHVl"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4Ukh3y\nc2VjcmV0\n-----END RSA PRIVATE KEY-----"
DB_PASSWORD = "db-pass-9f8e7d"
URL_KEY = "url-key-1a2b3c"
URL_SIG = "url-sig-4d5e6f"
BEARER = "bearer-in-exception-77aa"
SECRETS = [JWT, AWS_KEY, "MIIEowIBAAKCAQEAx4Ukh3y", DB_PASSWORD, URL_KEY, URL_SIG, BEARER]


def leaky_service() -> FastAPI:
    """Every answer carries a credential under a name, or in a place, that says nothing."""
    app = FastAPI(title="leaky")

    @app.get(
        "/session",
        responses={
            200: {
                "content": {
                    "application/json": {"schema": {"type": "array", "items": {"type": "string"}}}
                }
            }
        },
    )
    def session() -> JSONResponse:
        # documented as an array: the violation message would quote this object
        return JSONResponse({"access_token": JWT, "note": f"key {AWS_KEY}"})

    @app.get("/config")
    def config() -> dict[str, str]:
        return {
            "database": f"postgres://app:{DB_PASSWORD}@db.internal:5432/shop",
            "callback": f"https://hooks.example/cb?api_key={URL_KEY}&sig={URL_SIG}&page=2",
            "signing": PEM,
            "note": f"rotate {AWS_KEY} soon",
        }

    @app.get("/me")
    def me(x_auth: Annotated[str, Header()], access_key: str = Query("")) -> dict[str, str]:
        return {"user": "ada"}

    @app.post("/login")
    def login(
        user: Annotated[str, Form()],
        pass_: Annotated[str, Form(alias="pass")],
        pin: Annotated[str, Form()],
    ) -> dict[str, str]:
        return {"user": user}

    @app.get("/explode")
    def explode() -> dict[str, str]:
        raise RuntimeError(f"upstream refused Authorization: Bearer {BEARER}")

    return app


app = leaky_service()


def _no_secret_in(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def test_a_fuzz_report_never_quotes_a_secret_from_a_body_in_any_format() -> None:
    report = fuzz(leaky_service(), max_examples=3, seed=1, operations=["GET /session"])
    violation = next(f for f in report.findings if f.id == "response-schema-violation")
    assert "access_token" in violation.message  # the message still says what was wrong
    for name in FORMATS:
        _no_secret_in(render(report, name), f"--format {name}")


def test_snapshot_files_hold_no_credential_whatever_it_is_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    config = Config.model_validate(
        {
            "auto_probes": False,
            "probes": [
                {"name": "session", "path": "/session"},
                {"name": "config", "path": "/config"},
                {
                    "name": "me",
                    "path": "/me",
                    "headers": {"X-Auth": "x-auth-value-1234"},
                    "params": {"access_key": "query-access-key-5678"},
                },
                {
                    "name": "login",
                    "method": "POST",
                    "path": "/login",
                    "data": {"user": "ada", "pass": "form-pass-2468", "pin": "1357"},
                },
                {"name": "explode", "path": "/explode"},
            ],
        }
    )
    snapshot("tests.reliability.test_secrets:app", snapshots=tmp_path, config=config)
    files = sorted(tmp_path.rglob("*.json"))
    assert len(files) == 6  # openapi.json and five probes
    text = "\n".join(f.read_text() for f in files)
    _no_secret_in(text, "the snapshot")
    for value in ("x-auth-value-1234", "query-access-key-5678", "form-pass-2468", "1357"):
        assert value not in text, value
    config_sample = json.loads((tmp_path / "responses" / "config.json").read_text())["sample"]
    # what is not secret in a value stays readable
    assert config_sample["database"] == "postgres://app:<redacted>@db.internal:5432/shop"
    assert config_sample["callback"].endswith("&page=2")
    exploded = json.loads((tmp_path / "responses" / "explode.json").read_text())
    assert exploded["status"] == 500
    assert "RuntimeError" in exploded["exception"]


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl to run a reproduction")
def test_a_reproduction_reads_a_literal_credential_from_the_environment() -> None:
    """``--header 'X-Token: value'`` shows as ``$X_TOKEN``, and the curl line still runs."""
    token = "literal-token-31415"
    app = FastAPI(title="guarded")

    @app.get("/ratio")
    def ratio(
        x_token: Annotated[str, Header()], n: Annotated[int, Query(ge=0, le=10)] = 1
    ) -> dict[str, int]:
        if x_token != token:
            raise HTTPException(401, "bad token")
        return {"ratio": 100 // n}  # n=0: a crash the fuzzer finds

    with serve(app) as url:
        report = fuzz(url, max_examples=5, seed=1, headers={"X-Token": token})
        crash = next(f for f in report.findings if f.id == "server-error")
        command = crash.details["reproduce"]
        assert token not in report.to_json()
        assert '-H "X-Token: ${X_TOKEN}"' in command

        def status(environment: dict[str, str]) -> str:
            sent = subprocess.run(
                ["bash", "-c", f"{command} -s -o /dev/null -w '%{{http_code}}'"],
                capture_output=True,
                text=True,
                env={"PATH": os.environ["PATH"], **environment},
                check=False,
            )
            return sent.stdout

        assert status({"X_TOKEN": token}) == "500"  # the reproduction reproduces
        assert status({}) in ("401", "422")  # and it is the variable that made it
