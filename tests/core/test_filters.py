"""Endpoint filters on ``diff``: --match-path, --exclude-path, --operation, in one place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import driftguard
from driftguard import Config, ConfigError, UsageError
from driftguard._config import load_config
from tests.documents import run


def _get(schema: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
            },
        }
    }


def _user(name_type: str) -> dict[str, Any]:
    return {"type": "object", "required": ["name"], "properties": {"name": {"type": name_type}}}


def _documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """Four changes: a type change on GET /users/{id}, a new property on GET /users, a
    removed GET /internal/health, and a removed component schema (no operation)."""
    listing = {"type": "object", "properties": {"count": {"type": "integer"}}}
    old = {
        "openapi": "3.1.0",
        "info": {"title": "shop", "version": "1"},
        "paths": {
            "/users/{id}": _get(_user("string"), "getUser"),
            "/users": _get(listing, "listUsers"),
            "/internal/health": _get({"type": "object"}, "health"),
        },
        "components": {"schemas": {"Unused": {"type": "string"}}},
    }
    wider = {**listing, "properties": {**listing["properties"], "next": {"type": "string"}}}
    new = {
        "openapi": "3.1.0",
        "info": {"title": "shop", "version": "1"},
        "paths": {
            "/users/{user_id}": _get(_user("integer"), "getUser"),
            "/users": _get(wider, "listUsers"),
        },
    }
    return old, new


def _ids(report: driftguard.Report) -> set[tuple[str | None, str]]:
    return {(f.operation, f.id) for f in report.findings}


EVERYTHING = {
    ("GET /users/{user_id}", "response-property-type-changed"),
    ("GET /users", "response-optional-property-added"),
    ("GET /internal/health", "api-path-removed-without-deprecation"),
    (None, "api-schema-removed"),
}


def test_without_a_filter_every_change_is_reported() -> None:
    report = driftguard.diff_specs(*_documents())
    assert _ids(report) == EVERYTHING
    assert not any("endpoint filter" in note for note in report.run.notes)


def test_match_path_keeps_its_operations_and_the_whole_api_findings() -> None:
    report = driftguard.diff_specs(*_documents(), match_path="^/users")
    assert _ids(report) == EVERYTHING - {
        ("GET /internal/health", "api-path-removed-without-deprecation")
    }
    assert report.run.notes[-1] == (
        "endpoint filter (path matching '^/users'): 2 of 3 operations kept, 1 finding(s) "
        "outside them left out (findings about the whole API kept)"
    )
    assert report.run.operations == ["GET /users", "GET /users/{user_id}"]


def test_exclude_path_leaves_out_what_it_matches() -> None:
    report = driftguard.diff_specs(*_documents(), exclude_path=["^/internal/", "^/users$"])
    assert _ids(report) == {
        ("GET /users/{user_id}", "response-property-type-changed"),
        (None, "api-schema-removed"),
    }


def test_patterns_search_the_path_as_either_document_writes_it() -> None:
    old, new = _documents()
    # only the old document writes {id}; the new one writes {user_id}
    report = driftguard.diff_specs(old, new, match_path=r"\{id\}")
    assert ("GET /users/{user_id}", "response-property-type-changed") in _ids(report)
    assert ("GET /users", "response-optional-property-added") not in _ids(report)


def test_operation_keeps_that_operation_only() -> None:
    for given in ("GET /users/{x}", "get /users/{user_id}", "getUser"):
        report = driftguard.diff_specs(*_documents(), operations=[given])
        assert _ids(report) == {("GET /users/{user_id}", "response-property-type-changed")}
        assert report.run.notes[-1].endswith("(findings about the whole API left out)")
    # an operation only the old document has
    removed = driftguard.diff_specs(*_documents(), operations=["health"])
    assert _ids(removed) == {("GET /internal/health", "api-path-removed-without-deprecation")}
    both = driftguard.diff_specs(*_documents(), operations=["getUser", "GET /users"])
    assert len(both.findings) == 2


def test_operation_and_patterns_must_all_agree() -> None:
    report = driftguard.diff_specs(
        *_documents(), operations=["GET /users", "getUser"], exclude_path=r"\{"
    )
    assert _ids(report) == {("GET /users", "response-optional-property-added")}


def test_an_unknown_operation_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"operation 'GET /nope' is in neither document"):
        driftguard.diff_specs(*_documents(), operations=["GET /nope"])


def test_a_filter_that_keeps_nothing_is_a_usage_error() -> None:
    with pytest.raises(
        UsageError,
        match=r"the endpoint filter \(path matching '\^/v2/'\) keeps none of the 3 operations",
    ):
        driftguard.diff_specs(*_documents(), match_path="^/v2/")


def test_an_invalid_pattern_is_a_usage_error_naming_it() -> None:
    with pytest.raises(UsageError, match=r"invalid regular expression '\(users': missing \)"):
        driftguard.diff_specs(*_documents(), exclude_path="(users")


def test_the_configuration_gives_patterns_and_an_argument_replaces_them() -> None:
    config = Config.model_validate({"exclude_path": ["^/internal/"]})
    report = driftguard.diff_specs(*_documents(), config=config)
    assert ("GET /internal/health", "api-path-removed-without-deprecation") not in _ids(report)
    replaced = driftguard.diff_specs(*_documents(), config=config, exclude_path=[])
    assert _ids(replaced) == EVERYTHING


def test_a_bad_pattern_in_the_configuration_names_the_file_and_key(tmp_path: Path) -> None:
    file = tmp_path / "pyproject.toml"
    file.write_text('[tool.driftguard]\nmatch_path = ["^/users", "[a-"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(file)
    assert str(error.value).startswith(
        f"{file}: [tool.driftguard] match_path: invalid regular expression '[a-': "
    )


def test_the_policy_still_applies_after_the_filter() -> None:
    config = Config.model_validate(
        {"match_path": ["^/users"], "severity": {"response-property-type-changed": "info"}}
    )
    report = driftguard.diff_specs(*_documents(), config=config)
    changed = next(f for f in report.findings if f.id == "response-property-type-changed")
    assert changed.severity.value == "info"


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    old, new = _documents()
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    return str(tmp_path / "old.json"), str(tmp_path / "new.json")


def test_diff_options_on_the_command_line(
    files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["diff", *files, "--operation", "GET /users", "--format", "json", "--fail-on", "info"],
        capsys,
    )
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert [(f["operation"], f["id"]) for f in report["findings"]] == [
        ("GET /users", "response-optional-property-added")
    ]
    assert "endpoint filter (operation 'GET /users')" in report["run"]["notes"][-1]

    code, out, _ = run(
        ["diff", *files, "--match-path", "^/internal", "--match-path", "^/users$"], capsys
    )
    assert code == 1  # the removed path is breaking
    assert "3 of 3 operations" not in out
    assert "2 of 3 operations kept" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--match-path", "("], "error: argument --match-path: invalid regular expression '('"),
        (["--exclude-path", "*"], "error: argument --exclude-path: invalid regular expression"),
        (["--operation", "DELETE /users"], "error: operation 'DELETE /users' is in neither"),
        (["--match-path", "^/v9"], "error: the endpoint filter (path matching '^/v9') keeps"),
    ],
)
def test_bad_filters_are_exit_2_with_one_error_line(
    args: list[str], message: str, files: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code, out, err = run(["diff", *files, *args], capsys)
    except SystemExit as exc:  # argparse refuses the value itself
        code, (out, err) = int(str(exc.code)), capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(message)


def _with_webhooks(name_type: str, more: dict[str, Any]) -> dict[str, Any]:
    payload = {"type": "object", "properties": {"name": {"type": name_type}}}
    hook = {
        "post": {
            "operationId": "petCreated",
            "requestBody": {"content": {"application/json": {"schema": payload}}},
            "responses": {"200": {"description": "received"}},
        }
    }
    _, document = _documents()
    return {**document, "webhooks": {"newPet": hook, **more}}


def test_webhooks_are_sent_not_served_so_path_patterns_keep_them() -> None:
    gone = {"gone": {"post": {"responses": {"200": {"description": "ok"}}}}}
    old, new = _with_webhooks("string", gone), _with_webhooks("integer", {})
    hooks = {
        ("POST webhooks/newPet", "request-property-type-changed"),
        (None, "webhook-removed"),
    }
    assert hooks <= _ids(driftguard.diff_specs(old, new))
    for patterns in ({"match_path": "^/users"}, {"exclude_path": "newPet|webhooks"}):
        assert hooks <= _ids(driftguard.diff_specs(old, new, **patterns))
    named = driftguard.diff_specs(old, new, operations=["GET /users"])
    assert not hooks & _ids(named)
    for given in ("petCreated", "POST webhooks/newPet"):
        report = driftguard.diff_specs(old, new, operations=[given])
        assert _ids(report) == {("POST webhooks/newPet", "request-property-type-changed")}
    assert (
        driftguard.diff_specs(old, new, operations=["petCreated"])
        .run.notes[-1]
        .startswith("endpoint filter (operation 'petCreated'): 1 of 4 operations kept")
    )
