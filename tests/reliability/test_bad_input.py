"""Bad input a user can hand driftguard: exit 2 with one ``error:`` line, or a real answer.

Never ``internal error``, never a traceback, and never a report another tool cannot parse.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Response

from driftguard import check, diff_specs, snapshot
from driftguard.cli import main


def _document(schema: Any, *, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
        **(extra or {}),
    }


def _nested(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for _ in range(depth):
        schema = {"type": "object", "properties": {"child": schema}}
    return schema


def _write(path: Path, document: Any) -> str:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))  # the test's own json.dumps of a deep document
    try:
        path.write_text(json.dumps(document))
    finally:
        sys.setrecursionlimit(limit)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_schema_nested_300_levels_is_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path / "old.json", _document(_nested(300, {"type": "string"})))
    new = _write(tmp_path / "new.json", _document(_nested(300, {"type": "integer"})))
    code, out, err = run(capsys, "diff", old, new, "--format", "json")
    assert err == ""
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert finding["id"] == "response-property-type-changed"
    assert finding["location"].count("/child") == 300
    # the library call gets as deep
    assert (
        len(diff_specs(json.loads(Path(old).read_text()), json.loads(Path(new).read_text()))) == 1
    )


def test_absurd_nesting_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = _write(tmp_path / "deep.json", _document(_nested(30_000, {"type": "string"})))
    code, out, err = run(capsys, "diff", deep, deep)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert len(err.splitlines()) == 1
    assert "internal error" not in err


def test_a_response_nested_400_levels_is_snapshotted_and_checked(tmp_path: Path) -> None:
    def body(depth: int, leaf: Any) -> Any:
        value = leaf
        for _ in range(depth):
            value = {"child": value}
        return value

    app = FastAPI(title="deep responses")
    state = {"leaf": 1}

    @app.get("/deep", response_model=None)
    def deep() -> Response:
        # pre-serialised: Pydantic itself refuses to serialise past a depth
        return Response(json.dumps(body(400, state["leaf"])), media_type="application/json")

    import tests.reliability.test_bad_input as here

    here.deep_app = app  # type: ignore[attr-defined]
    target = "tests.reliability.test_bad_input:deep_app"
    from driftguard import Config

    config = Config.model_validate(
        {"auto_probes": False, "probes": [{"name": "deep", "path": "/deep"}]}
    )
    snapshot(target, snapshots=tmp_path, config=config)
    assert check(target, snapshots=tmp_path, config=config).findings == []
    state["leaf"] = "now a string"  # type: ignore[assignment]
    (finding,) = check(target, snapshots=tmp_path, config=config).findings
    assert finding.id == "response-field-type-changed"
    assert finding.details["path"].count(".child") == 400


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("name", ["json", "text", "markdown", "junit", "github", "html", "summary"])
def test_reports_hold_nan_infinity_and_lone_surrogates_as_valid_text(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's JSON reader takes NaN and ``\\ud800``; a report must still be strict."""
    old_text = (
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"get": '
        '{"parameters": [{"name": "q", "in": "query", "schema": {"type": "number", '
        '"default": NaN}}], "responses": {"200": {"description": "ok", "content": '
        '{"application/json": {"schema": {"type": "object", "properties": {"caf\\ud800": '
        '{"type": "string"}}, "required": ["caf\\ud800"]}}}}}}}}}'
    )
    old = tmp_path / "old.json"
    old.write_text(old_text)
    new = tmp_path / "new.json"
    new.write_text(old_text.replace("NaN", "Infinity").replace('"caf\\ud800"', '"other"'))
    code, out, err = run(capsys, "diff", str(old), str(new), "--format", name)
    assert err == ""
    assert code == 1
    out.encode("utf-8")  # printable as UTF-8
    if name == "json":
        report = _strict_json(out)
        values = [f["details"].get("old") for f in report["findings"]]
        assert "NaN" in values
        assert any("caf\ud800" in f["location"] for f in report["findings"])
    output = tmp_path / f"report.{name}"
    assert main(["diff", str(old), str(new), "--format", name, "--output", str(output)]) == 1
    output.read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["http://[::1", "http://host:99999", "https://"])
def test_a_malformed_url_target_is_a_usage_error(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "diff", target, target)
    assert code == 2
    assert err.startswith(f"error: {target}: not a valid URL")
