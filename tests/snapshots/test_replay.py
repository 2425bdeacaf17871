"""Replaying probes against a real app, in-process and over real HTTP."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Form

from driftguard import ConfigError
from driftguard._config import Config
from driftguard._redact import REDACTED
from driftguard.snapshots.probes import (
    Probe,
    order_probes,
)
from driftguard.snapshots.replay import run_probes
from driftguard.targets import Target
from tests.servers import serve
from tests.snapshots.apps import create_accounts_app, v1_app


def config(**data: Any) -> Config:
    return Config.model_validate(data)


def test_setup_and_env_headers_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCOUNTS_TOKEN", "tok-123456789")
    monkeypatch.setenv("ACCOUNTS_SERVER_TOKEN", "tok-123456789")
    probes = order_probes(
        [
            Probe(
                "read",
                path="/accounts/1",
                headers={"Authorization": "Bearer ${ACCOUNTS_TOKEN}"},
                setup=("create",),
            ),
            Probe(
                "create",
                method="POST",
                path="/accounts",
                json={"name": "Ada", "password": "hunter2"},
            ),
        ]
    )
    app = create_accounts_app()
    records = run_probes(Target("app", "accounts"), probes, app=app)
    assert (records["create"].status, records["read"].status) == (201, 200)
    stored = json.dumps([r.to_dict() for r in records.values()])
    assert "tok-123456789" not in stored
    assert "hunter2" not in stored
    assert records["read"].request == {
        "method": "GET",
        "path": "/accounts/1",
        "headers": {"Authorization": REDACTED},
        "setup": ["create"],
    }


def test_a_missing_environment_variable_is_a_config_error() -> None:
    probe = Probe("read", path="/accounts/1", headers={"Authorization": "Bearer ${NO_SUCH_VAR_X}"})
    with pytest.raises(
        ConfigError, match="probe read: header Authorization: environment variable NO_SUCH_VAR_X"
    ):
        run_probes(Target("app", "accounts"), [probe], app=create_accounts_app())


def test_probes_over_http() -> None:
    with serve(v1_app) as url:
        records = run_probes(Target("url", url), [Probe("h", path="/health")])
    assert records["h"].status == 200
    assert records["h"].shape is not None
    assert set(records["h"].shape.fields) == {"status", "checked_at"}


def test_a_service_that_is_down_is_recorded_as_no_answer() -> None:
    with serve(v1_app) as url:
        pass  # the port is free again
    record = run_probes(Target("url", url), [Probe("h", path="/health")], timeout=2)["h"]
    assert record.status == 0
    assert record.error is not None
    assert record.error.startswith("cannot reach the service: ConnectError")


def test_an_exception_in_the_app_is_recorded_as_a_500() -> None:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("kaput")

    records = run_probes(Target("app", "boom"), [Probe("b", path="/boom")], app=app)
    assert records["b"].status == 500
    # ... and where the app raised it: the file below the current directory, its line.
    line = boom.__code__.co_firstlineno + 2
    assert records["b"].extra == {
        "exception": "RuntimeError: kaput",
        "raised": f"tests/snapshots/test_replay.py:{line} in boom",
    }


def test_a_form_body_probe_logs_in_and_its_password_is_redacted() -> None:
    app = FastAPI()

    @app.post("/token")
    def token(username: Annotated[str, Form()], password: Annotated[str, Form()]) -> dict[str, str]:
        if password != "s3cret-passphrase":
            return {"error": "bad password"}
        return {"access_token": f"token-for-{username}", "token_type": "bearer"}

    probe = Probe.from_config(
        config(
            probes=[
                {
                    "name": "login",
                    "method": "POST",
                    "path": "/token",
                    "data": {"username": "ada", "password": "s3cret-passphrase"},
                }
            ]
        ).probes[0]
    )
    record = run_probes(Target("app", "auth"), [probe], app=app)["login"]
    assert record.status == 200
    assert record.shape is not None
    assert set(record.shape.fields) == {"access_token", "token_type"}
    assert record.request == {
        "method": "POST",
        "path": "/token",
        "data": {"username": "ada", "password": REDACTED},
    }
