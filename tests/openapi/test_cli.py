"""`driftguard diff` on the command line: formats, --fail-on, --output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema_rs
import pytest

from driftguard.cli import main
from driftguard.formats.json import report_schema


def _doc(required: list[str], note: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "shop", "version": "1"},
        "paths": {
            "/users/{user_id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "user_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "a user",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": required,
                                        "properties": {"name": {"type": "string"}, "note": note},
                                    }
                                }
                            },
                        }
                    },
                }
            }
        },
    }


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """old; new_breaking (a required property removed); new_warning; new_info; same."""
    variants = {
        "old": _doc(["name", "note"], {"type": "string", "enum": ["a"]}),
        # name no longer required: breaking for clients reading it
        "new_breaking": _doc(["note"], {"type": "string", "enum": ["a"]}),
        # a new enum value in a response: clients may not know it
        "new_warning": _doc(["name", "note"], {"type": "string", "enum": ["a", "b"]}),
        # a new bound in a response narrows it: information
        "new_info": _doc(["name", "note"], {"type": "string", "enum": ["a"], "maxLength": 9}),
    }
    paths = {}
    for name, document in variants.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document))
        paths[name] = str(path)
    paths["same"] = paths["old"]
    return paths


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_leads_with_causes(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["diff", files["old"], files["new_breaking"]], capsys)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == f"driftguard diff: {files['old']} -> {files['new_breaking']}"
    assert lines[1] == (
        f"  compared {files['old']} (1 operations) with {files['new_breaking']} (1 operations)"
    )
    assert "breaking  response property 'name' became optional" in lines
    assert (
        "          response-property-became-optional in 1 operation: GET /users/{user_id}" in lines
    )
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert lines[-1] == "1 breaking, 0 warning, 0 info (fail-on: breaking)"


def test_json_report_follows_the_contract(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["diff", files["old"], files["new_breaking"], "--format", "json"], capsys)
    assert code == 1
    report = json.loads(out)
    jsonschema_rs.validate(report_schema(), report)
    assert report["command"] == "diff"
    assert report["summary"] == {
        "breaking": 1,
        "warning": 0,
        "info": 0,
        "causes": {"breaking": 1, "warning": 0, "info": 0},
    }
    [cause] = report["causes"]
    assert cause["findings"] == [report["findings"][0]["fingerprint"]]
    assert report["findings"][0]["cause"] == cause["key"]
    (finding,) = report["findings"]
    assert finding["id"] == "response-property-became-optional"
    assert finding["source"] == "schema"
    assert finding["operation"] == "GET /users/{user_id}"
    assert finding["location"] == "response 200 application/json /name"


@pytest.mark.parametrize("fmt", ["markdown", "junit", "github", "html"])
def test_every_other_format(
    fmt: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["diff", files["old"], files["new_breaking"], "--format", fmt], capsys)
    assert (code, err) == (1, "")
    message = (
        "response property &#x27;name&#x27; became optional"
        if fmt == "html"
        else ("response property 'name' became optional")
    )
    assert message in out
    if fmt == "junit":
        suite = ElementTree.fromstring(out).find("testsuite")
        assert suite is not None
        assert suite.get("tests") == "1"
        assert suite.get("failures") == "1"
    if fmt == "github":
        # on the property's line of the new file (one line: json.dumps writes no newline)
        assert out.startswith(
            f"::error file={files['new_breaking']},line=1,"
            "title=driftguard response-property-became-optional::"
        )
    if fmt == "markdown":
        assert out.startswith("## driftguard diff")


@pytest.mark.parametrize(
    ("new", "fail_on", "code"),
    [
        ("new_breaking", "breaking", 1),
        ("new_breaking", "never", 0),
        ("new_warning", "breaking", 0),
        ("new_warning", "warning", 1),
        ("new_warning", "WARN", 1),
        ("new_info", "warning", 0),
        ("new_info", "info", 1),
        ("new_info", "INFO", 1),
        ("same", "info", 0),
    ],
)
def test_fail_on(
    new: str, fail_on: str, code: int, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["diff", files["old"], files[new], "--fail-on", fail_on], capsys)[0] == code


def test_no_findings(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["diff", files["old"], files["same"]], capsys)
    assert code == 0
    assert "No findings." in out


def test_output_file(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "reports" / "diff.json"
    code, out, err = run(
        ["diff", files["old"], files["new_warning"], "--format", "json", "--output", str(target)],
        capsys,
    )
    assert (code, out, err) == (0, "", "")
    summary = json.loads(target.read_text())["summary"]
    assert (summary["breaking"], summary["warning"], summary["info"]) == (0, 1, 0)


def test_config_overrides_severity_and_ignores(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text('[severity]\n"response-property-became-optional" = "info"\n')
    code, out, _ = run(
        ["diff", files["old"], files["new_breaking"], "--config", str(config), "--format", "json"],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["findings"][0]["severity"] == "info"
    config.write_text('ignore_findings = [{id = "response-property-became-optional"}]\n')
    code, out, _ = run(
        ["diff", files["old"], files["new_breaking"], "--config", str(config), "--format", "json"],
        capsys,
    )
    assert code == 0
    assert json.loads(out)["findings"] == []


def test_exit_code_2_for_unreadable_input(
    files: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["diff", files["old"], str(tmp_path / "missing.yaml")], capsys)
    assert code == 2
    assert out == ""
    assert err == f"error: {tmp_path / 'missing.yaml'}: no such file\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", files["old"]])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("error: the following arguments are required: NEW")


def test_quiet_drops_the_notes(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["diff", files["old"], files["same"], "--quiet"], capsys)
    assert "compared" not in out


def test_diff_of_two_urls_sends_the_configured_headers_expanded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``headers = {Authorization = "Bearer ${TOKEN}"}`` reaches a live service expanded."""
    from fastapi import FastAPI, Header, HTTPException

    from tests.servers import serve

    def service(version: str) -> FastAPI:
        app = FastAPI(title="private", version=version, openapi_url=None)
        document = _doc(["name"] if version == "1" else [], {"type": "string"})

        @app.get("/openapi.json")
        def spec(authorization: str = Header("")) -> dict[str, Any]:
            if authorization != "Bearer s3cret-token":
                raise HTTPException(401, f"got {authorization!r}")
            return document

        return app

    config = tmp_path / "driftguard.toml"
    config.write_text('headers = { Authorization = "Bearer ${DG_TEST_TOKEN}" }\n')
    monkeypatch.setenv("DG_TEST_TOKEN", "s3cret-token")
    with serve(service("1")) as old, serve(service("2")) as new:
        code, out, err = run(
            ["diff", old, new, "--config", str(config), "--format", "json"], capsys
        )
    assert err == ""
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert finding["id"] == "response-property-became-optional"


@pytest.mark.parametrize("name", ["text", "json", "markdown", "junit", "github", "html", "summary"])
def test_every_format_carries_the_notes_and_the_run(
    name: str, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["diff", files["old"], files["new_breaking"], "--format", name], capsys)
    assert code == 1
    note = f"compared {files['old']} (1 operations) with {files['new_breaking']} (1 operations)"
    if name == "json":
        run_info = json.loads(out)["run"]
        assert run_info["notes"] == [note]
        assert run_info["target"] == files["new_breaking"]
        assert run_info["baseline"] == files["old"]
        assert run_info["version"] == "0.1.0"
        assert run_info["started"].endswith("Z")
        assert run_info["seconds"] >= 0
        return
    if name == "junit":
        suite = ElementTree.fromstring(out.encode()).find("testsuite")
        assert suite is not None
        assert suite.findtext("system-out") == note
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["version"] == "0.1.0"
        assert properties["target"] == files["new_breaking"]
        assert suite.get("timestamp")
        return
    shown = out.replace("%2C", ",").replace("%3A", ":")  # github escapes its properties
    assert note in shown
    if name in ("markdown", "html"):
        assert "driftguard 0.1.0" in out
        assert "started " in out


def test_path_prefixes_can_be_stripped_and_added_on_either_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gateway that serves /api/v2/items as /items, with no servers saying so."""

    def write(name: str, path: str, maximum: int) -> str:
        document = {
            "openapi": "3.1.0",
            "info": {"title": "shop", "version": "1"},
            "paths": {
                path: {
                    "get": {
                        "parameters": [
                            {
                                "name": "n",
                                "in": "query",
                                "schema": {"type": "integer", "maximum": maximum},
                            }
                        ],
                        "responses": {"200": {"description": "items"}},
                    }
                }
            },
        }
        (tmp_path / name).write_text(json.dumps(document))
        return str(tmp_path / name)

    old, new = write("old.json", "/api/v2/items", 100), write("new.json", "/items", 50)
    code, out, _ = run(["diff", old, new, "--format", "json"], capsys)
    assert sorted(f["id"] for f in json.loads(out)["findings"]) == [
        "api-path-removed-without-deprecation",
        "endpoint-added",
    ]
    for options in (
        ["--strip-prefix-base", "/api/v2"],
        ["--prefix-revision", "/api/v2/"],
        ["--strip-prefix-base", "/api", "--prefix-revision", "/v2"],
    ):
        code, out, _ = run(["diff", old, new, "--format", "json", *options], capsys)
        findings = json.loads(out)["findings"]
        assert [f["id"] for f in findings] == ["request-parameter-max-decreased"], options
        assert code == 1
