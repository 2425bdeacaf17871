"""``--format github`` end to end: a few annotations, on the lines that changed.

Each test runs the real command line on documents it writes (or on Stripe's), then reads
the workflow commands back as GitHub does and checks the file and line each points at.
"""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from driftguard import diff_specs
from driftguard.cli import main
from driftguard.formats import render
from driftguard.formats.github import LIMIT

V1 = "tests.snapshots.apps:v1_app"
V2 = "tests.snapshots.apps:v2_app"
_COMMAND = re.compile(r"::(\w+)(?: ([^:]*))?::(.*)\Z")


def _unescape(text: str) -> str:
    for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def commands(out: str) -> list[tuple[str, dict[str, str], str]]:
    """(command, properties, message) of every line, unescaped; every line must be one."""
    parsed = []
    for line in out.splitlines():
        match = _COMMAND.match(line)
        assert match is not None, line
        kind, props, message = match.groups()
        properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
        parsed.append((kind, {k: _unescape(v) for k, v in properties.items()}, _unescape(message)))
    return parsed


def annotations(out: str) -> list[tuple[str, dict[str, str], str]]:
    return [c for c in commands(out) if c[0] in ("error", "warning")]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    # snapshot warns that the app's /missing answered 404 (recorded as asked); nothing else
    assert all(line.startswith("warning: probe get-missing ") for line in err.splitlines())
    return code, out


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)


def _operation(properties: dict[str, Any], parameters: list[Any] | None = None) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties}
    media = {"application/json": {"schema": schema}}
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok", "content": media}}}
    if parameters is not None:
        operation["parameters"] = parameters
    return {"get": operation}


def _document(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}}
    document["paths"] = paths
    if schemas is not None:
        document["components"] = {"schemas": schemas}
    return document


def _write(path: Path, document: dict[str, Any]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return str(path)


def _line_of(path: str, *needles: str) -> int:
    """The line of the last needle, each needle looked for after the previous one."""
    lines = Path(path).read_text().splitlines()
    at = 0
    for needle in needles:
        at = next(i for i in range(at, len(lines)) if needle in lines[i])
    return at + 1


def test_only_the_worst_causes_are_annotated_and_one_notice_counts_all(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """15 breaking, 12 warning and 5 info causes: 10 errors, 10 warnings, one summary."""
    old_paths = {f"/gone/{n}": _operation({"a": {"type": "string"}}) for n in range(15)}
    enums = {
        f"/enum/{n}": _operation({f"p{n}": {"type": "string", "enum": ["a"]}}) for n in range(12)
    }
    old_paths.update(enums)
    new_paths = {
        path: _operation({f"p{n}": {"type": "string", "enum": ["a", "b"]}})
        for n, path in enumerate(enums)
    }
    new_paths.update({f"/new/{n}": _operation({"a": {"type": "string"}}) for n in range(5)})
    _write(tmp_path / "old.json", _document(old_paths))
    _write(tmp_path / "new.json", _document(new_paths))
    code, out = run(capsys, "diff", "old.json", "new.json", "--format", "github")
    assert code == 1
    found = commands(out)
    kinds = [kind for kind, _, _ in found]
    assert kinds == ["error"] * LIMIT + ["warning"] * LIMIT + ["notice", "notice"]
    assert all(props["title"].startswith("driftguard ") for _, props, _ in found)
    errors = [message for kind, _, message in found if kind == "error"]
    assert all(re.match(r"path /gone/\d+ was removed without being deprecated", m) for m in errors)
    warnings = [message for kind, _, message in found if kind == "warning"]
    assert all('enum values added: ["b"]' in m for m in warnings)
    summary = found[2 * LIMIT]
    assert summary[1] == {"title": "driftguard diff: old.json -> new.json"}
    assert summary[2].splitlines()[:3] == [
        "32 causes (15 breaking, 12 warning, 5 info) from 32 findings "
        "(15 breaking, 12 warning, 5 info); fail-on: breaking",
        "annotated: 10 of 15 breaking, 10 of 12 warning cause(s); 7 left out",
        "GitHub shows 10 annotations of each type per step: the whole report is in "
        "--format json or --format html (--output FILE)",
    ]
    assert "5 info cause(s), not annotated:" in summary[2]
    assert summary[2].count("- operation added (endpoint-added") == 5
    assert found[-1][2] == "compared old.json (27 operations) with new.json (17 operations)"
    # a removed operation is shown where its neighbours still are: the paths object
    assert all((p["file"], p["line"]) == ("new.json", "7") for _, p, _ in found[:LIMIT])
    was = _line_of("old.json", '"/gone/0": {', '"get": {')
    assert f"removed: it was at old.json line {was} (#/paths/~1gone~10/get)" in errors[0]

    _, shown = run(
        capsys, "diff", "old.json", "new.json", "--format", "github", "--show", "breaking"
    )
    found = commands(shown)
    assert [kind for kind, _, _ in found] == ["error"] * LIMIT + ["notice", "notice"]
    summary_text = found[LIMIT][2]
    assert "(15 breaking, 12 warning, 5 info)" in summary_text
    assert "annotated: 10 of 15 breaking cause(s); 5 left out" in summary_text
    assert "12 warning, 5 info cause(s) not shown (--show)" in summary_text
    assert "operation added" not in summary_text


def test_a_property_of_a_component_is_annotated_on_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ref = {"$ref": "#/components/schemas/User"}
    user = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    paths = {"/users": _operation({"user": ref}), "/admins": _operation({"admin": ref})}
    old = _document(paths, {"User": user})
    new = copy.deepcopy(old)
    new["components"]["schemas"]["User"]["properties"]["name"]["type"] = "integer"
    _write(tmp_path / "api" / "old.json", old)
    new_file = _write(tmp_path / "api" / "new.json", new)
    # an absolute path inside the current directory is shown relative to it
    code, out = run(capsys, "diff", "api/old.json", new_file, "--format", "github")
    assert code == 1
    [(kind, props, message)] = annotations(out)
    assert kind == "error"
    assert props["file"] == "api/new.json"
    assert int(props["line"]) == _line_of(new_file, '"User": {', '"name": {')
    assert message.splitlines()[0] == (
        "response property 'User/name' type changed from string to integer"
    )
    assert "in 2 operations: GET /admins, GET /users (2 findings)" in message


def test_an_operations_parameter_is_annotated_and_a_removed_one_says_where_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
    page = {"name": "page", "in": "query", "schema": {"type": "integer"}}
    old = _document({"/items": _operation({"a": {"type": "string"}}, [page, limit])})
    new = copy.deepcopy(old)
    parameters = new["paths"]["/items"]["get"]["parameters"]
    parameters[1]["schema"]["maximum"] = 10
    del parameters[0]
    _write(tmp_path / "old.json", old)
    _write(tmp_path / "new.json", new)
    _, out = run(capsys, "diff", "old.json", "new.json", "--format", "github", "--fail-on", "never")
    found = {
        message.splitlines()[0]: (kind, props, message) for kind, props, message in annotations(out)
    }
    kind, props, _ = found["query parameter 'limit' maximum decreased from 100 to 10"]
    assert (kind, props["file"]) == ("error", "new.json")
    assert int(props["line"]) == _line_of("new.json", '"name": "limit"', '"schema": {')
    kind, props, message = found["query parameter 'page' removed"]
    assert kind == "warning"
    assert int(props["line"]) == _line_of("new.json", '"parameters": [')
    was = _line_of("old.json", '"parameters": [', "{")  # the first entry, page
    assert f"removed: it was at old.json line {was} (#/paths/~1items/get/parameters/0)" in message


YAML_OLD = """\
openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /pets/{id}:
    get:
      responses:
        '200':
          description: a pet
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name:
          type: string
          maxLength: 20
"""


def test_a_yaml_document_is_annotated_on_its_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "old.yaml").write_text(YAML_OLD)
    (tmp_path / "new.yaml").write_text(YAML_OLD.replace("maxLength: 20", "maxLength: 30"))
    _, out = run(capsys, "diff", "old.yaml", "new.yaml", "--format", "github")
    [(kind, props, message)] = annotations(out)
    assert kind == "error"
    assert message.startswith("response property 'Pet/name' max length increased")
    assert (props["file"], props["line"]) == ("new.yaml", "21")  # "name:" under Pet


def test_response_drift_is_annotated_on_the_probes_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "snapshot", V1, "--dir", "snaps")
    code, out = run(capsys, "check", V2, "--dir", "snaps", "--format", "github")
    assert code == 1
    found = annotations(out)
    assert found
    by_message = {message.splitlines()[0]: props for _, props, message in found}
    # seen in live responses only: the field's line in the recorded shape
    [props] = [p for m, p in by_message.items() if m.startswith("created_at: date-time (+00:00)")]
    assert props["file"] == "snaps/responses/get-orders.json"
    assert int(props["line"]) == _line_of(
        props["file"], '"shape": {', '"items": {', '"created_at": {'
    )
    # every annotation of an app target (no document file) points at a record, but the
    # version's (the app keeps its version through a break), which is about no record
    for _, props, message in found:
        if "info.version" in message.splitlines()[0]:
            assert "file" not in props
            continue
        assert props["file"].startswith("snaps/responses/")
        text = Path(props["file"]).read_text().splitlines()
        assert text[int(props["line"]) - 1].lstrip().startswith('"')


def test_check_of_a_document_against_its_snapshot_annotates_the_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    old = _document({"/a": _operation({"x": {"type": "string"}, "y": {"type": "string"}})})
    _write(tmp_path / "api.json", old)
    assert run(capsys, "snapshot", "api.json", "--dir", "snaps")[0] == 0
    new = _document({"/a": _operation({"x": {"type": "integer"}})})
    _write(tmp_path / "api.json", new)
    code, out = run(capsys, "check", "api.json", "--dir", "snaps", "--format", "github")
    assert code == 1
    found = {message.splitlines()[0]: (props, message) for _, props, message in annotations(out)}
    props, _ = found["response property 'x' type changed from string to integer"]
    assert (props["file"], int(props["line"])) == ("api.json", _line_of("api.json", '"x": {'))
    props, message = found["optional response property 'y' removed"]
    assert (props["file"], int(props["line"])) == ("api.json", _line_of("api.json", '"properties"'))
    was = _line_of("snaps/openapi.json", '"y": {')
    assert f"removed: it was at snaps/openapi.json line {was} " in message


def test_properties_are_escaped_and_paths_outside_the_directory_kept(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _document({"/a": _operation({"x": {"type": "string"}})})
    new = _document({"/a": _operation({"x": {"type": "integer"}})})
    odd = tmp_path / "specs, v2: 100%"
    _write(odd / "old.json", old)
    new_file = _write(odd / "new.json", new)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    out = run(capsys, "diff", str(odd / "old.json"), new_file, "--format", "github")[1]
    line = out.splitlines()[0]
    escaped = str(odd).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
    assert line.startswith(f"::error file={escaped}/new.json,line=")
    [(_, props, _)] = annotations(out)
    assert props["file"] == new_file  # outside the current directory: as given


def test_a_document_gone_since_the_run_leaves_annotations_without_a_file(tmp_path: Path) -> None:
    old = _write(tmp_path / "old.json", _document({"/a": _operation({"x": {"type": "string"}})}))
    new = _write(tmp_path / "new.json", _document({"/a": _operation({"x": {"type": "integer"}})}))
    report = diff_specs(old, new)
    Path(new).write_text("{not json any more")
    [(kind, props, _)] = annotations(render(report, "github"))
    assert (kind, props) == ("error", {"title": "driftguard response-property-type-changed"})
    Path(new).unlink()
    assert annotations(render(report, "github"))[0][1] == props


def test_stripe_fits_in_what_github_shows_and_lands_on_the_changed_lines(
    capsys: pytest.CaptureFixture[str], specs_dir: Path
) -> None:
    old, new = specs_dir / "stripe-2021-04.json", specs_dir / "stripe-2022-04.json"
    started = time.perf_counter()
    code, out = run(capsys, "diff", str(old), str(new), "--format", "github")
    seconds = time.perf_counter() - started
    assert code == 1
    found = commands(out)
    notes = [c for c in found if c[0] == "notice"]
    assert len(found) <= 2 * LIMIT + len(notes)
    assert len(notes) == 2  # the summary and the run's one note
    counts = diff_specs(old, new).cause_summary
    causes = sum(counts.values())
    assert (
        f"{causes} causes ({counts['breaking']} breaking, {counts['warning']} warning, "
        f"{counts['info']} info) from 3394 findings"
    ) in notes[0][2]
    lines = new.read_text().splitlines()
    for kind, props, message in found:
        if kind == "notice":
            continue
        assert props["file"] == str(new)
        line = lines[int(props["line"]) - 1]
        named = re.match(r"response property '([^']+)'", message)
        if named and "removed:" not in message:
            last = named.group(1).rsplit("/", 1)[-1]
            key = "items" if last == "[]" else last
            assert line.strip().startswith(f'"{key}": '), (message, line)
    assert seconds < 10  # the diff itself is ~0.5 s; placing 20 causes adds ~0.1 s
