"""Reading the two TARGETs of `driftguard diff`: files, apps, URLs, and what is refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import PlainTextResponse

from driftguard import LoadError, RefError, diff_specs
from tests.documents import doc, run
from tests.servers import serve

ROOT = Path(__file__).resolve().parents[2]


def test_json_and_yaml_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.json"
    new = tmp_path / "new.yaml"
    old.write_text(json.dumps(doc({"type": "object", "properties": {"id": {"type": "integer"}}})))
    new.write_text(yaml.safe_dump(doc({"type": "object", "properties": {}})))
    code, out, err = run(["diff", str(old), str(new), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert [f["id"] for f in json.loads(out)["findings"]] == ["response-optional-property-removed"]


def test_yaml_alias_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        "openapi: 3.1.0",
        "info: {title: bomb, version: '1'}",
        'a: &a ["lol","lol","lol","lol"]',
    ]
    previous = "a"
    for level in "bcdefghijklmnop":
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 8)}]")
        previous = level
    lines.append("paths: {}")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc({"type": "string"})))
    code, out, err = run(["diff", str(bomb), str(good)], capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert "alias bomb" in err


def test_swagger_2_is_refused_with_one_error_line(tmp_path: Path) -> None:
    swagger = tmp_path / "swagger.json"
    swagger.write_text(json.dumps({"swagger": "2.0", "info": {}, "paths": {}}))
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", "diff", str(swagger), str(swagger)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {swagger}: Swagger 2.0 is not supported; convert it to OpenAPI 3 first "
        "(for example with swagger2openapi)"
    ]


def test_other_versions_and_garbage_are_refused(tmp_path: Path) -> None:
    three_two = tmp_path / "v32.yaml"
    three_two.write_text("openapi: 3.2.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    with pytest.raises(LoadError, match=r"OpenAPI 3\.2\.0 is not supported"):
        diff_specs(three_two, three_two)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(LoadError, match=r"invalid YAML|invalid JSON"):
        diff_specs(garbage, garbage)
    with pytest.raises(LoadError, match="no 'openapi' field"):
        diff_specs({"info": {}}, {"info": {}})


def test_references_to_files_beside_the_document(tmp_path: Path) -> None:
    for version, maximum in (("old", 100), ("new", 50)):
        folder = tmp_path / version
        (folder / "schemas").mkdir(parents=True)
        (folder / "schemas" / "money.yaml").write_text(
            yaml.safe_dump(
                {
                    "Money": {
                        "type": "object",
                        "properties": {
                            "amount": {"type": "number", "maximum": maximum},
                            "currency": {"$ref": "#/Currency"},
                        },
                    },
                    "Currency": {"type": "string", "enum": ["EUR", "USD"]},
                }
            )
        )
        (folder / "api.yaml").write_text(yaml.safe_dump(doc({"$ref": "schemas/money.yaml#/Money"})))
    report = diff_specs(tmp_path / "old" / "api.yaml", tmp_path / "new" / "api.yaml")
    assert [(f.id, f.location) for f in report.findings] == [
        ("response-property-max-decreased", "response 200 application/json /amount")
    ]


def test_a_missing_referenced_file_is_named(tmp_path: Path) -> None:
    api = tmp_path / "api.yaml"
    api.write_text(yaml.safe_dump(doc({"$ref": "missing.yaml#/Money"})))
    with pytest.raises(RefError, match=r"missing\.yaml: referenced file not found"):
        diff_specs(api, api)


def test_a_broken_reference_is_named_with_where_it_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = doc({"type": "string"})
    broken["components"] = {
        "schemas": {"Unused": {"properties": {"x": {"$ref": "#/components/schemas/Missing"}}}}
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    code, _, err = run(["diff", str(path), str(path)], capsys)
    assert code == 2
    assert err == (
        f"error: {path}: broken reference '#/components/schemas/Missing' at "
        "#/components/schemas/Unused/properties/x\n"
    )


def _schema_server() -> FastAPI:
    app = FastAPI()

    @app.get("/money.yaml")
    def money() -> PlainTextResponse:
        return PlainTextResponse(
            "Money:\n  type: object\n  properties:\n    amount: {type: integer, maximum: 10}\n",
            media_type="application/yaml",
        )

    return app


def test_remote_references_need_permission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(_schema_server()) as base:
        old = tmp_path / "old.json"
        old.write_text(json.dumps(doc({"$ref": f"{base}/money.yaml#/Money"})))
        new = tmp_path / "new.json"
        new.write_text(
            json.dumps(doc({"type": "object", "properties": {"amount": {"type": "integer"}}}))
        )
        code, out, err = run(["diff", str(old), str(new)], capsys)
        assert code == 2
        assert out == ""
        assert err == (
            f"error: {old.resolve()}: remote reference to {base}/money.yaml refused "
            "(pass --allow-remote-refs to follow it)\n"
        )
        code, out, err = run(
            ["diff", str(old), str(new), "--allow-remote-refs", "--format", "json"], capsys
        )
    assert (code, err) == (1, "")
    assert [f["id"] for f in json.loads(out)["findings"]] == ["response-property-max-unset"]


def _write_app(folder: Path, name: str, field: str) -> None:
    (folder / f"{name}.py").write_text(
        textwrap.dedent(
            f"""
            from fastapi import FastAPI
            from pydantic import BaseModel

            class User(BaseModel):
                id: int
                {field}: str

            app = FastAPI()

            @app.get("/users/{{user_id}}")
            def get_user(user_id: int) -> User:
                return User(id=user_id, {field}="Ada")
            """
        )
    )


def test_app_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = uuid.uuid4().hex[:8]
    old, new = f"dg_old_{suffix}", f"dg_new_{suffix}"
    _write_app(tmp_path, old, "full_name")
    _write_app(tmp_path, new, "fullName")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        code, out, err = run(["diff", f"{old}:app", f"{new}:app", "--format", "json"], capsys)
    finally:
        for module in (old, new):
            sys.modules.pop(module, None)
    assert (code, err) == (1, "")
    findings = {f["id"]: f for f in json.loads(out)["findings"]}
    # FastAPI's default version, 0.1.0, on both sides: a break below 1.0 needs a minor bump
    assert sorted(findings) == [
        "api-major-version-not-bumped",
        "api-version-not-bumped",
        "response-property-renamed",
    ]
    assert findings["api-major-version-not-bumped"]["details"]["needed"] == "minor"
    finding = findings["response-property-renamed"]
    assert finding["operation"] == "GET /users/{user_id}"
    assert finding["location"] == "response 200 application/json /full_name"
    assert finding["details"] == {
        "status": "200",
        "media": "application/json",
        "property": "full_name",
        "schema": "#/components/schemas/User /full_name",
        "from": "full_name",
        "to": "fullName",
    }


def test_an_app_that_cannot_be_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["diff", "no_such_module_dg:app", "no_such_module_dg:app"], capsys)
    assert code == 2
    assert err == (  # it could have been REV:PATH too: the one line says both what was tried
        "error: no_such_module_dg:app: cannot import module 'no_such_module_dg' (looked in "
        f"{tmp_path}), nor read it as REV:PATH: not inside a git repository ({tmp_path})\n"
    )


def _service(version: int) -> FastAPI:
    app = FastAPI()

    @app.get("/items")
    def items(limit: int = 10) -> list[str]:
        return ["chair"][:limit]

    if version == 2:

        @app.delete("/items/{item_id}")
        def delete(item_id: int) -> None:
            return None

    return app


def test_url_targets(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(_service(1)) as one, serve(_service(2)) as two:
        code, out, err = run(["diff", one, f"{two}/openapi.json", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert [(f["id"], f["operation"]) for f in json.loads(out)["findings"]] == [
        ("api-version-not-bumped", None),  # FastAPI's 0.1.0 on both sides
        ("endpoint-added", "DELETE /items/{item_id}"),
    ]


def test_an_unreachable_url(capsys: pytest.CaptureFixture[str]) -> None:
    with serve(_service(1)) as base:
        pass  # the server is gone again: nothing listens there now
    code, _, err = run(["diff", base, base], capsys)
    assert code == 2
    assert err.startswith(f"error: {base}/openapi.json: cannot reach the service")


def test_a_snapshot_directory_target(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshots"
    snapshot.mkdir()
    (snapshot / "openapi.json").write_text(json.dumps(doc({"type": "string"})))
    new = tmp_path / "new.json"
    new.write_text(json.dumps(doc({"type": "string", "maxLength": 3})))
    report = diff_specs(snapshot, new)
    assert [f.id for f in report.findings] == ["response-body-max-length-set"]


def _with_literal_refs() -> dict[str, Any]:
    document = doc(
        {"type": "object", "default": {"$ref": "not a reference"}, "x-meta": {"$ref": "nowhere"}}
    )
    media = document["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"]
    media["examples"] = {"one": {"value": {"$ref": "#/just/data"}}}
    return document


def test_a_ref_key_inside_literal_values_is_data() -> None:
    document = _with_literal_refs()
    assert diff_specs(document, document).findings == []


def test_a_ref_key_inside_literal_values_is_data_in_files_too(tmp_path: Path) -> None:
    # Files go through the bundling of external references, which must apply the same rule.
    path = tmp_path / "api.json"
    path.write_text(json.dumps(_with_literal_refs()))
    assert diff_specs(path, path).findings == []


def test_properties_named_like_data_keywords_keep_their_references(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text("Money: {type: integer, maximum: 10}\n")
    schema = {
        "type": "object",
        "properties": {
            "default": {"$ref": "common.yaml#/Money"},
            "example": {"$ref": "#/components/schemas/Missing"},
        },
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(doc(schema)))
    with pytest.raises(RefError, match=r"broken reference '#/components/schemas/Missing'"):
        diff_specs(path, path)
    del schema["properties"]["example"]
    path.write_text(json.dumps(doc(schema)))
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "common.yaml").write_text("Money: {type: integer, maximum: 5}\n")
    (tmp_path / "new" / "api.json").write_text(path.read_text())
    report = diff_specs(path, tmp_path / "new" / "api.json")
    assert [(f.id, f.location) for f in report.findings] == [
        ("response-property-max-decreased", "response 200 application/json /default")
    ]


def _guarded() -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    def document(request: Request) -> dict[str, Any]:
        if request.headers.get("x-api-key") != "s3cret":
            raise HTTPException(status_code=401)
        return doc({"type": "string"})

    return app


def test_url_targets_use_the_configured_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "driftguard.toml"
    config.write_text('headers = {X-Api-Key = "s3cret"}\ntimeout = 5\n')
    with serve(_guarded()) as base:
        code, _, err = run(["diff", base, base], capsys)
        assert code == 2
        assert "answered HTTP 401" in err
        code, out, err = run(["diff", base, base, "--config", str(config)], capsys)
    assert (code, err) == (0, "")
    assert "No findings." in out


def test_a_plain_asgi_app_target_loads_inside_a_running_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_spec is synchronous; an async caller (an async test) must still be able to use
    it for an app without openapi(), which is asked for /openapi.json over ASGI."""
    import asyncio

    module = f"dg_plain_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            f"""
            BODY = {json.dumps(doc({"type": "string"})).encode()!r}

            async def app(scope, receive, send):
                if scope["type"] != "http":
                    return
                await send({{"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json")]}})
                await send({{"type": "http.response.body", "body": BODY}})
            """
        )
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

    async def inside() -> dict[str, Any]:
        from driftguard import load_spec

        return load_spec(f"{module}:app")

    try:
        document = asyncio.run(inside())
    finally:
        sys.modules.pop(module, None)
    assert document["paths"]["/items"]["get"]["responses"]["200"]["description"] == "the items"


def test_a_path_object_is_a_file_target(tmp_path: Path) -> None:
    """``load_spec(Path(...))`` reads the file, as ``diff_specs`` does with a Path."""
    from driftguard import load_spec

    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    assert load_spec(path)["info"]["title"] == "t"
