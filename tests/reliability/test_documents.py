"""Hostile and odd document files: every one is read, or refused in one ``error:`` line.

In CI the document under review comes from an untrusted pull request. Each case here once
hung driftguard, read files it had no business reading, ate memory, crashed with an
``internal error``, or refused a document that YAML allows. Real files, FIFOs, symlinks and
devices; no mocks.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from driftguard import LoadError, RefError, load_spec
from driftguard.cli import main
from driftguard.formats import FORMATS
from driftguard.openapi.files import MAX_BYTES
from driftguard.openapi.load import MAX_DEPTH
from tests.documents import doc, run

SECRET = "TOPSECRET-4f1c"


def refused(
    args: list[str], capsys: pytest.CaptureFixture[str], *, within: float = 3.0
) -> tuple[str, str]:
    """Run the CLI; expect exit 2 with one ``error:`` line (no internal error), quickly."""
    started = time.monotonic()
    code, out, err = run(args, capsys)
    assert time.monotonic() - started < within, "took too long"
    assert code == 2, (out, err)
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    assert "internal error" not in err
    return out, err


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 50_000))  # json.dumps of the deep documents below
    try:
        path.write_text(document if isinstance(document, str) else json.dumps(document))
    finally:
        sys.setrecursionlimit(limit)
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A schema file outside the project's tree, holding something secret."""
    return write(
        tmp_path / "outside" / "secret.yaml", f"Money: {{type: string, description: {SECRET}}}\n"
    )


@pytest.fixture
def api(tmp_path: Path) -> Path:
    """The directory of the document under review (its tree is what its refs may read)."""
    folder = tmp_path / "project" / "api"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write(tmp_path / "good.json", doc({"type": "integer"}))


@contextmanager
def unblocking(fifo: Path, after: float = 5.0) -> Iterator[None]:
    """Should anything block reading ``fifo``, feed it after ``after`` seconds, so that the
    test fails on its clock instead of hanging the suite."""
    stop = threading.Event()

    def feed() -> None:
        deadline = time.monotonic() + after
        while not stop.wait(0.05):
            if time.monotonic() < deadline:
                continue
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # nobody is reading it
                continue
            with os.fdopen(fd, "wb") as pipe:
                pipe.write(b"{}")
            return

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# -- 3. where a file's $ref may read ------------------------------------------------------


@pytest.mark.parametrize("spelling", ["relative", "absolute", "file-url"])
def test_a_ref_out_of_the_documents_tree_is_refused(
    api: Path, outside: Path, good: Path, spelling: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ref = {
        "relative": "../../outside/secret.yaml",
        "absolute": str(outside),
        "file-url": outside.as_uri(),
    }[spelling]
    path = write(api / "openapi.json", doc({"$ref": f"{ref}#/Money"}))
    out, err = refused(["diff", str(good), str(path)], capsys)
    assert err == (
        f"error: {path.resolve()}: reference to {outside.resolve()} is outside "
        f"{api.resolve()}; refusing to read it (allow another directory with --ref-root DIR "
        "or [tool.driftguard] ref_roots)\n"
    )
    assert SECRET not in out + err
    with pytest.raises(RefError, match="is outside"):
        load_spec(str(path))


def test_system_files_are_out_of_reach(
    api: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(api / "openapi.json", doc({"$ref": "/etc/passwd#/root"}))
    _, err = refused(["diff", str(good), str(path)], capsys)
    assert "reference to /etc/passwd is outside" in err


def test_a_symlink_in_the_tree_that_leads_out_of_it_is_outside(
    api: Path, outside: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (api / "common.yaml").symlink_to(outside)
    (api / "shared").symlink_to(outside.parent, target_is_directory=True)
    for ref in ("common.yaml#/Money", "shared/secret.yaml#/Money"):
        path = write(api / "openapi.json", doc({"$ref": ref}))
        out, err = refused(["diff", str(good), str(path)], capsys)
        assert f"reference to {outside.resolve()} is outside" in err
        assert SECRET not in out + err


def test_a_referenced_file_cannot_reach_out_either(
    api: Path, good: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(api / "schemas" / "money.yaml", "Money: {$ref: '../../../outside/secret.yaml#/Money'}\n")
    path = write(api / "openapi.json", doc({"$ref": "schemas/money.yaml#/Money"}))
    _, err = refused(["diff", str(good), str(path)], capsys)
    assert err.startswith(f"error: {(api / 'schemas' / 'money.yaml').resolve()}: reference to ")
    assert f"{outside.resolve()} is outside {api.resolve()}" in err


def test_ref_roots_widen_where_refs_may_read(
    tmp_path: Path, api: Path, outside: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(api / "openapi.json", doc({"$ref": "../../outside/secret.yaml#/Money"}))
    code, out, err = run(
        ["diff", str(good), str(path), "--ref-root", str(outside.parent), "--format", "json"],
        capsys,
    )
    assert (code, err) == (1, "")
    assert json.loads(out)["findings"][0]["id"] == "response-body-type-changed"
    # the configuration's ref_roots are relative to the configuration file
    config = write(tmp_path / "project" / "driftguard.toml", 'ref_roots = ["../outside"]\n')
    code, _, err = run(["diff", str(good), str(path), "--config", str(config)], capsys)
    assert (code, err) == (1, "")
    assert load_spec(str(path), ref_roots=[outside.parent])["paths"]
    assert "--ref-root DIR" in _help(["diff", "--help"], capsys)
    assert "--ref-root DIR" in _help(["check", "--help"], capsys)


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main(args)
    return " ".join(capsys.readouterr().out.split())


def test_a_ref_to_a_fifo_does_not_hang(
    api: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = api / "pipe.yaml"
    os.mkfifo(fifo)
    path = write(api / "openapi.json", doc({"$ref": "pipe.yaml#/Money"}))
    with unblocking(fifo):
        _, err = refused(["diff", str(good), str(path)], capsys)
    assert err == (
        f"error: {fifo.resolve()}: is a named pipe (FIFO), not a regular file; refusing to "
        f"read it (referenced from {path.resolve()})\n"
    )


def test_a_fifo_target_does_not_hang(api: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = api / "openapi.json"
    os.mkfifo(fifo)
    with unblocking(fifo):
        _, err = refused(["diff", str(fifo), str(fifo)], capsys)
    assert (
        err == f"error: {fifo}: is a named pipe (FIFO), not a regular file; refusing to read it\n"
    )


def test_devices_are_not_read(api: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zero = api / "zero.json"
    zero.symlink_to("/dev/zero")
    _, err = refused(["diff", str(zero), str(good)], capsys)
    assert err == f"error: {zero}: is a character device, not a regular file; refusing to read it\n"
    # even where the configuration lets refs read /dev
    path = write(api / "openapi.json", doc({"$ref": "/dev/zero#/Money"}))
    _, err = refused(["diff", str(good), str(path), "--ref-root", "/dev"], capsys)
    assert err.startswith("error: /dev/zero: is a character device, not a regular file")


def test_files_over_the_size_bound_are_refused(
    api: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = api / "big.yaml"
    with big.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk space, no time
    _, err = refused(["diff", str(big), str(good)], capsys)
    assert err == f"error: {big}: larger than 64 MiB; refusing to read it\n"
    path = write(api / "openapi.json", doc({"$ref": "big.yaml#/Money"}))
    with pytest.raises(RefError, match=r"big\.yaml: larger than 64 MiB; refusing to read it"):
        load_spec(str(path))


# -- 4. nesting ---------------------------------------------------------------------------


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [MAX_DEPTH + 10, 50_000])
def test_deep_json_is_refused_clearly(
    tmp_path: Path, good: Path, levels: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "deep.json", json.dumps(doc({}))[:-1] + f', "x-d": {_nested(levels)}}}')
    _, err = refused(["diff", str(path), str(good)], capsys)
    assert err == f"error: {path}: nested too deeply (more than {MAX_DEPTH} levels); refusing it\n"


def test_deep_yaml_is_refused_clearly(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
    path = write(tmp_path / "deep.yaml", head + f"x-d: {_nested(MAX_DEPTH + 10)}\n")
    _, err = refused(["diff", str(path), str(good)], capsys)
    # libyaml stops at 1,000 levels itself, and says so
    assert err.startswith(f"error: {path}: ")
    assert "nested too deeply" in err or "exceeded maximum nesting depth" in err


@pytest.mark.parametrize("style", ["flow", "block"])
def test_json_and_yaml_nested_990_levels_load(
    tmp_path: Path, good: Path, style: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Deep, but within what driftguard follows: read, not refused."""
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
    if style == "flow":
        body = f"x-d: {_nested(990)}\n"
    else:
        body = "".join(f"{' ' * level}k{level}:\n" for level in range(990)) + " " * 990 + "v\n"
    path = write(tmp_path / "deep.yaml", head + body)
    code, _, err = run(["diff", str(path), str(good)], capsys)
    assert err == ""
    assert code == 0


def _deep_schema(levels: int, leaf: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": leaf}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_schemas_nested_past_what_the_comparison_can_walk_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path / "old.json", doc(_deep_schema(MAX_DEPTH // 2, "string")))
    new = write(tmp_path / "new.json", doc(_deep_schema(MAX_DEPTH // 2, "integer")))
    _, err = refused(["diff", str(old), str(new)], capsys)
    assert "nested too deeply" in err


def test_the_deepest_accepted_document_is_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # doc() puts the schema 8 levels down, each schema level is 2 more
    levels = (MAX_DEPTH - 9) // 2
    old = write(tmp_path / "old.json", doc(_deep_schema(levels, "string")))
    new = write(tmp_path / "new.json", doc(_deep_schema(levels, "integer")))
    for fmt in FORMATS:
        code, out, err = run(["diff", str(old), str(new), "--format", fmt], capsys)
        assert (code, err) == (1, ""), fmt
    code, out, _ = run(["diff", str(old), str(new), "--format", "json"], capsys)
    [finding] = json.loads(out)["findings"]
    assert finding["location"].endswith("/a" * levels)


def test_yaml_aliases_cannot_nest_past_the_limit(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths: {}", "l0: &l0 [1]"]
    lines += [f"l{n}: &l{n} [*l{n - 1}]" for n in range(1, MAX_DEPTH + 5)]
    path = write(tmp_path / "aliases.yaml", "\n".join(lines) + "\n")
    _, err = refused(["diff", str(path), str(good)], capsys)
    assert "nested too deeply" in err


# -- 5. integers Python will not print ----------------------------------------------------


def test_integers_past_4300_digits_are_refused(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digits = "9" * 5000
    as_json = write(
        tmp_path / "long.json", json.dumps(doc({"maximum": 1})).replace("1}", f"{digits}}}")
    )
    as_yaml = write(
        tmp_path / "long.yaml",
        f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-n: {digits}\n",
    )
    hexed = write(tmp_path / "hex.yaml", f"openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-n: 0x{'f' * 4000}\n")  # fmt: skip
    for path, where in ((as_json, "at line 1 "), (as_yaml, "at line 4 ")):
        _, err = refused(["diff", str(path), str(good)], capsys)
        assert err == f"error: {path}: an integer {where}has more than 4300 digits; refusing it\n"
    _, err = refused(["diff", str(hexed), str(good)], capsys)
    assert err == f"error: {hexed}: the integer at x-n has more than 4300 digits; refusing it\n"


def test_long_integers_that_python_can_print_are_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(
        tmp_path / "old.yaml", json.dumps(doc({"type": "integer", "maximum": int("9" * 4000)}))
    )
    new = write(tmp_path / "new.json", doc({"type": "integer", "maximum": 10}))
    for fmt in FORMATS:
        code, out, err = run(
            ["diff", str(old), str(new), "--format", fmt, "--fail-on", "info"], capsys
        )
        assert (code, err) == (1, ""), fmt
    assert "999999" in out


# -- 6. the version as a YAML number ------------------------------------------------------


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_an_openapi_version_written_as_a_number(
    tmp_path: Path, version: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "api.yaml", f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n")  # fmt: skip
    assert load_spec(str(path))["openapi"] == version
    code, _, err = run(["diff", str(path), str(path)], capsys)
    assert (code, err) == (0, "")
    unsupported = write(tmp_path / "v32.yaml", "openapi: 3.2\ninfo: {title: t, version: '1'}\npaths: {}\n")  # fmt: skip
    with pytest.raises(LoadError, match=r"OpenAPI 3\.2 is not supported"):
        load_spec(str(unsupported))


# -- 7. keys written twice ----------------------------------------------------------------

REPEATED_YAML = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /items:
    get:
      responses: {'200': {description: first}}
    get:
      responses: {'200': {description: second}}
"""


def test_a_key_written_twice_is_a_note_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "openapi.yaml", REPEATED_YAML)
    note = f"{path}: key 'paths./items.get' appears twice at line 7; the last one is used"
    for fmt in FORMATS:
        code, out, err = run(["diff", str(path), str(path), "--format", fmt], capsys)
        assert (code, err) == (0, ""), fmt
        if fmt == "html":
            out = out.replace("&#x27;", "'")
        assert out.count(note) == 1, (fmt, out)
    notes: list[str] = []
    document = load_spec(str(path), notes=notes)
    assert notes == [note]
    assert document["paths"]["/items"]["get"]["responses"]["200"]["description"] == "second"


def test_keys_written_twice_in_json_and_in_referenced_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "money.yaml", "Money:\n  type: string\n  type: integer\n")
    text = json.dumps(doc({"$ref": "money.yaml#/Money"}), indent=1)
    text = text.replace('"title": "shop"', '"title": "shop", "title": "shop2", "title": "x"')
    path = write(tmp_path / "api.json", text)
    notes: list[str] = []
    document = load_spec(str(path), notes=notes)
    assert document["info"]["title"] == "x"
    assert notes == [
        f"{path}: key 'info.title' appears 3 times, the last at line 4; the last one is used",
        f"{(tmp_path / 'money.yaml').resolve()}: key 'Money.type' appears twice at line 3; "
        "the last one is used",
    ]
    code, out, _ = run(["diff", str(path), str(path), "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["run"]["notes"][:2] == notes


# -- 8. anchors defined again -------------------------------------------------------------

REDEFINED = """\
openapi: 3.1.0
info: {title: t, version: '1'}
x-first: &temperature What sampling temperature to use, between 0 and 2.
x-before: *temperature
x-shape: &shape {type: number, minimum: 0}
x-shape-before: *shape
x-second: &temperature Defaults to 1.
x-after: *temperature
x-shape-again: &shape {type: integer}
x-shape-after: *shape
paths: {}
components:
  schemas:
    CreateRun:
      properties:
        temperature: {type: number, description: *temperature}
"""


def test_an_anchor_defined_again_is_what_later_aliases_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "openai.yaml", REDEFINED)
    document = load_spec(str(path))
    assert document["x-before"] == "What sampling temperature to use, between 0 and 2."
    assert document["x-after"] == "Defaults to 1."
    assert document["x-shape-before"] == {"type": "number", "minimum": 0}
    assert document["x-shape-after"] == {"type": "integer"}
    schema = document["components"]["schemas"]["CreateRun"]
    assert schema["properties"]["temperature"]["description"] == "Defaults to 1."
    code, _, err = run(["diff", str(path), str(path)], capsys)
    assert (code, err) == (0, "")


def test_aliases_still_have_to_lead_somewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-a: &a 1\nx-a2: &a 2\n"
    undefined = write(tmp_path / "undefined.yaml", head + "x-b: *b\n")
    _, err = refused(["diff", str(undefined), str(undefined)], capsys)
    assert "found undefined alias" in err
    itself = write(tmp_path / "itself.yaml", head + "x-c: &a [*a]\n")
    _, err = refused(["diff", str(itself), str(itself)], capsys)
    assert "recursive YAML alias" in err


def test_a_long_chain_of_referenced_files_is_bundled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for version, leaf in (("old", "string"), ("new", "integer")):
        folder = tmp_path / version
        for n in range(400):
            write(folder / f"s{n}.yaml", f"X: {{$ref: 's{n + 1}.yaml#/X'}}\n")
        write(folder / "s400.yaml", f"X: {{type: {leaf}}}\n")
        write(folder / "api.json", doc({"$ref": "s0.yaml#/X"}))
    code, out, err = run(
        ["diff", str(tmp_path / "old" / "api.json"), str(tmp_path / "new" / "api.json")], capsys
    )
    assert (code, err) == (1, "")
    assert "type" in out


def test_a_snapshot_nested_too_deeply_is_a_corrupt_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a snapshot is committed: the pull request under review can change it too
    snapshot = write(
        tmp_path / "snapshots" / "openapi.json", doc(_deep_schema(MAX_DEPTH // 2, "string"))
    )
    _, err = refused(["diff", str(snapshot.parent), str(snapshot.parent)], capsys)
    assert err == (
        f"error: corrupt snapshot: {snapshot}: nested too deeply (more than {MAX_DEPTH} "
        "levels); refusing it\n"
    )
