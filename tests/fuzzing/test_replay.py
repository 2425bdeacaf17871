"""`driftguard fuzz TARGET --replay report.json`: an earlier run's findings sent again.

A planted-defect app is fuzzed and its JSON report saved; the same app replayed says the
findings still fail, a second version with the defect fixed says they are fixed, in-process
and over real HTTP, through the library and the command line in every format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import jsonschema_rs
import pytest
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from driftguard import Report, fuzz
from driftguard._errors import ConfigError, UsageError
from driftguard.formats.json import report_schema
from driftguard.fuzzing.replay import replay
from tests.conftest import ROOT
from tests.fuzzing import apps
from tests.fuzzing.test_reproduce_runs import TOKEN, upload_app
from tests.servers import serve

EXAMPLES = 10


# (module level: the annotations of the routes below are strings, resolved from here)
class Order(apps.Strict):
    total: int = Field(ge=0, le=10_000)
    quantity: int = Field(ge=0, le=100)


class Priced(BaseModel):
    unit_price: float


class Price(BaseModel):
    sku: str
    amount: float


def fixed_crash() -> FastAPI:
    """apps.crash with its defect fixed: a zero quantity prices at zero."""
    app = FastAPI(title="crash, fixed")

    @app.post("/orders", response_model=Priced)
    def price_order(order: Order) -> Priced:
        return Priced(unit_price=order.total / order.quantity if order.quantity else 0.0)

    return app


def fixed_broken_response() -> FastAPI:
    """apps.broken_response with its defect fixed: the amount is a number."""
    app = FastAPI(title="broken response, fixed")

    @app.get("/prices/{sku}", response_model=Price)
    def price(sku: str) -> Price:
        return Price(sku=sku, amount=9.99)

    return app


def fixed_auth() -> FastAPI:
    """apps.unenforced_auth with its defect fixed: GET /reports checks the token."""
    app = FastAPI(title="auth, fixed")

    @app.get("/reports", responses={401: {"description": "Missing or invalid token"}})
    def reports(authorization: Annotated[str | None, Header()] = None) -> dict[str, int]:
        if authorization != f"Bearer {apps.GOOD_TOKEN}":
            raise HTTPException(401, "invalid token")
        return {"count": 3}

    return app


crashes_fixed = fixed_crash()


def saved(report: Report, tmp_path: Path, name: str = "report.json") -> Path:
    path = tmp_path / name
    path.write_text(report.to_json(), encoding="utf-8")
    return path


@pytest.fixture
def crash_report(tmp_path: Path) -> Path:
    report = fuzz(apps.crash(), max_examples=EXAMPLES, seed=2)
    assert [f.id for f in report.findings] == ["server-error"]
    return saved(report, tmp_path)


def test_unfixed_still_fails_and_fixed_is_fixed_in_process(crash_report: Path) -> None:
    still = replay(apps.crash(), crash_report)
    assert [f.id for f in still.findings] == ["server-error"]
    assert still.findings[0].details["replay"]["status"].startswith("ZeroDivisionError")
    assert still.exit_code() == 1
    assert still.run.notes[0].endswith("1 still fail, 0 fixed")
    fixed = replay(fixed_crash(), crash_report)
    assert fixed.findings == []
    assert fixed.exit_code() == 0
    assert fixed.run.notes[1] == (
        "fixed: server-error POST /orders (exception ZeroDivisionError in price_order): now 200"
    )


def test_over_real_http(tmp_path: Path) -> None:
    with serve(apps.crash()) as url:
        report = fuzz(url, max_examples=EXAMPLES, seed=5, allow_unsafe=True)
        path = saved(report, tmp_path)
        assert [f.id for f in report.findings] == ["server-error"]
        with pytest.raises(UsageError, match="pass --allow-unsafe"):
            replay(url, path)
        still = replay(url, path, allow_unsafe=True)
    assert [f.details["replay"]["status"] for f in still.findings] == ["500"]
    with serve(fixed_crash()) as url:
        assert replay(url, path, allow_unsafe=True).findings == []


def test_response_schema_judged_by_the_document_served_now(tmp_path: Path) -> None:
    path = saved(fuzz(apps.broken_response(), max_examples=EXAMPLES, seed=8), tmp_path)
    assert [f.id for f in replay(apps.broken_response(), path)] == ["response-schema-violation"]
    assert replay(fixed_broken_response(), path).findings == []


def test_auth_findings_are_replayed_without_the_supplied_credentials(tmp_path: Path) -> None:
    headers = {"Authorization": f"Bearer {apps.GOOD_TOKEN}"}
    report = fuzz(apps.unenforced_auth(), max_examples=EXAMPLES, seed=3)
    path = saved(report, tmp_path)
    still = replay(apps.unenforced_auth(), path, headers=headers)
    assert {f.location for f in still} == {"without credentials", "with invalid credentials"}
    assert replay(fixed_auth(), path, headers=headers).findings == []


def test_env_credentials_and_multipart_bodies_are_sent_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DG_UPLOAD_TOKEN", TOKEN)
    headers = {"X-Token": "${DG_UPLOAD_TOKEN}"}
    report = fuzz(upload_app(), max_examples=EXAMPLES, seed=3, headers=headers)
    (crash,) = [f for f in report.findings if f.id == "server-error"]
    assert crash.details["request"]["headers"]["X-Token"] == "${DG_UPLOAD_TOKEN}"
    assert TOKEN not in report.to_json()
    path = saved(report, tmp_path)
    # the header as the run has it, or read from the environment where the report names it
    assert "server-error" in {f.id for f in replay(upload_app(), path, headers=headers)}
    assert "server-error" in {f.id for f in replay(upload_app(), path)}
    monkeypatch.setenv("DG_UPLOAD_TOKEN", "wrong")
    assert "server-error" not in {f.id for f in replay(upload_app(), path)}  # 401 now
    monkeypatch.delenv("DG_UPLOAD_TOKEN")
    with pytest.raises(ConfigError, match="DG_UPLOAD_TOKEN is not set"):
        replay(upload_app(), path)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "fuzz", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env=dict(os.environ),
    )


@pytest.fixture
def cli_report(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    result = cli(
        "tests.fuzzing.apps:crashes",
        "--seed",
        "2",
        "--max-examples",
        "5",
        "--format",
        "json",
        "--output",
        str(path),
    )
    assert result.returncode == 1, result.stderr
    return path


@pytest.mark.parametrize("form", ["text", "json", "markdown", "junit", "github", "html"])
def test_cli_in_every_format(cli_report: Path, form: str) -> None:
    still = cli("tests.fuzzing.apps:crashes", "--replay", str(cli_report), "--format", form)
    assert still.returncode == 1, still.stderr
    assert "server-error" in still.stdout or "server error" in still.stdout
    fixed = cli(
        "tests.fuzzing.test_replay:crashes_fixed", "--replay", str(cli_report), "--format", form
    )
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "0 fixed" not in fixed.stdout
    if form == "json":
        data = json.loads(fixed.stdout)
        jsonschema_rs.validator_for(report_schema()).validate(data)
        assert data["findings"] == []
        assert data["run"]["notes"][0].endswith("0 still fail, 1 fixed")


def test_cli_fail_on_never_passes_what_still_fails(cli_report: Path) -> None:
    result = cli("tests.fuzzing.apps:crashes", "--replay", str(cli_report), "--fail-on", "never")
    assert result.returncode == 0, result.stderr


def test_cli_refuses_generation_options_with_replay(cli_report: Path) -> None:
    result = cli("tests.fuzzing.apps:crashes", "--replay", str(cli_report), "--seed", "3")
    assert result.returncode == 2
    assert result.stderr == (
        "error: --replay sends the report's requests again; --seed is for fuzzing\n"
    )


# a finding whose request would leave TARGET for another host (http://127.0.0.1@evil...)
AWAY = json.dumps(
    {
        "tool": "driftguard",
        "command": "fuzz",
        "findings": [
            {
                "id": "server-error",
                "severity": "breaking",
                "source": "fuzz",
                "operation": "GET /x",
                "location": "response 500",
                "details": {"request": {"method": "GET", "path": "@evil.example/x"}},
            }
        ],
    }
)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "cannot read the report"),
        ("{not json", "not a JSON report"),
        ("[1, 2]", "not a driftguard JSON report"),
        ('{"tool": "driftguard", "command": "diff", "findings": []}', "driftguard diff"),
        ('{"tool": "driftguard", "command": "fuzz"}', "no findings list"),
        (
            '{"tool": "driftguard", "command": "fuzz", "findings": [{"id": "x"}]}',
            "findings[0] is not a fuzz finding",
        ),
        (AWAY, "does not start with /"),
    ],
)
def test_a_bad_report_is_exit_2_with_one_error_line(
    tmp_path: Path, content: str | None, said: str
) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = cli("tests.fuzzing.apps:crashes", "--replay", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {path}: ")
    assert said in line
