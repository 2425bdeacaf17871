"""Maps and mixed spellings end to end: snapshot, then check, in-process and over real HTTP.

A price list keyed by plan name is a map only because the spec says so (``dict[str, float]``
is ``additionalProperties``); a field of links and time stamps mixes spellings. Other plan
names and a recorded spelling are no drift; a value type or a spelling never seen is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from driftguard.cli import main
from tests.servers import serve

MODULE = "tests.snapshots.test_maps_and_styles"

RECORDED = {
    "prices": {"basic": 1.0, "pro": 2.5},
    "links": ["https://a.example/", "https://b.example", "https://c.example/"],
    "events": ["2024-05-01T12:00:00Z", "2024-05-01T13:00:00+00:00"],
}
SAME_CONTRACT = {
    "prices": {"enterprise": 9.0, "team": 4.0, "solo": 0.5},  # other keys
    "links": ["https://x.example", "https://y.example"],  # one of the recorded spellings
    "events": ["2024-06-01T08:00:00Z"],
}
DRIFTED = {
    "prices": {"basic": "1.00"},  # values became strings
    "links": ["https://x.example/"],
    "events": ["2024-06-01T08:00:00"],  # a spelling never recorded (no offset)
}


def pricing_app(body: dict[str, Any]) -> FastAPI:
    class Pricing(BaseModel):
        prices: dict[str, float | str]
        links: list[str]
        events: list[str]

    app = FastAPI(title="pricing", version="1")

    @app.get("/pricing", response_model=Pricing)
    def pricing() -> dict[str, Any]:
        return body

    return app


recorded_app = pricing_app(RECORDED)
same_app = pricing_app(SAME_CONTRACT)
drifted_app = pricing_app(DRIFTED)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "probes.toml").write_text('[[probes]]\nname = "pricing"\npath = "/pricing"\n')


def findings(capsys: pytest.CaptureFixture[str], target: str) -> set[tuple[str, str]]:
    code = main(["check", target, "--dir", "snaps", "--probes", "probes.toml", "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    report = json.loads(out)
    return {
        (f["id"], f["details"]["path"]) for f in report["findings"] if f["source"] == "response"
    }


@pytest.mark.parametrize("over_http", [False, True], ids=["in-process", "http"])
def test_maps_and_mixed_spellings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, over_http: bool
) -> None:
    with serve(recorded_app) as old, serve(same_app) as same, serve(drifted_app) as drifted:
        targets = (
            (old, same, drifted)
            if over_http
            else (
                f"{MODULE}:recorded_app",
                f"{MODULE}:same_app",
                f"{MODULE}:drifted_app",
            )
        )
        assert main(["snapshot", targets[0], "--dir", "snaps", "--probes", "probes.toml"]) == 0
        capsys.readouterr()
        stored = json.loads((tmp_path / "snaps/responses/pricing.json").read_text())["shape"]
        assert "additionalProperties" in stored["properties"]["prices"]  # from the spec
        assert (
            stored["properties"]["links"]["items"]["style"] == "no trailing slash or trailing slash"
        )
        assert findings(capsys, targets[1]) == set()
        assert findings(capsys, targets[2]) == {
            ("response-field-type-changed", "$.prices.*"),
            ("response-field-format-changed", "$.events[*]"),
        }
