"""``REV:PATH`` documents: read with git from real repositories, never from the working tree."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from driftguard import LoadError, RefError, diff_specs, load_spec
from driftguard._errors import TargetError
from driftguard.openapi.files import MAX_BYTES
from tests.documents import doc
from tests.targets.repos import commit, driftguard, git, new_repo, write


def titled(title: str, schema: dict[str, Any] | None = None) -> str:
    document = doc(schema or {"type": "string"})
    document["info"]["title"] = title
    return json.dumps(document)


def fingerprints(report: Any) -> set[str]:
    return {finding.fingerprint for finding in report.findings}


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_a_tag_and_head_give_the_diff_of_the_files(
    specs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = specs_dir / "twilio-video-2025-02.yaml", specs_dir / "twilio-video-2025-08.yaml"
    repo = new_repo(tmp_path / "repo")
    commit(repo, {"api/openapi.yaml": old.read_bytes()}, "v2.0.0")
    git(repo, "tag", "-a", "v2.0.0", "-m", "release 2.0.0")  # an annotated tag
    commit(repo, {"api/openapi.yaml": new.read_bytes()}, "later")
    monkeypatch.chdir(repo)

    expected = diff_specs(old, new)
    report = diff_specs("v2.0.0:api/openapi.yaml", "HEAD:api/openapi.yaml")
    assert expected.findings
    assert fingerprints(report) == fingerprints(expected)
    assert report.run.baseline == "v2.0.0:api/openapi.yaml"
    assert report.run.target == "HEAD:api/openapi.yaml"

    result = driftguard(repo, "diff", "v2.0.0:api/openapi.yaml", "HEAD:api/openapi.yaml")
    assert result.returncode == expected.exit_code(), result.stderr
    assert result.stdout.startswith(
        "driftguard diff: v2.0.0:api/openapi.yaml -> HEAD:api/openapi.yaml"
    )


def test_origin_main_against_the_working_file_in_a_clone(tmp_path: Path) -> None:
    upstream = new_repo(tmp_path / "upstream")
    commit(upstream, {"openapi.json": titled("shop", {"type": "integer"})})
    git(tmp_path, "clone", "-q", str(upstream), "clone")
    clone = tmp_path / "clone"
    write(clone, {"openapi.json": titled("shop", {"type": "string"})})  # not committed
    status, index = git(clone, "status", "--porcelain"), (clone / ".git" / "index").read_bytes()

    result = driftguard(
        clone, "diff", "origin/main:openapi.json", "openapi.json", "--format", "json"
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["run"]["baseline"] == "origin/main:openapi.json"
    assert {f["id"] for f in report["findings"]} == {"response-body-type-changed"}
    # Nothing was checked out, staged or written.
    assert git(clone, "status", "--porcelain") == status == " M openapi.json\n"
    assert (clone / ".git" / "index").read_bytes() == index


def test_path_is_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(repo, {"openapi.json": titled("top"), "api/openapi.json": titled("api")})
    title = lambda target: load_spec(target)["info"]["title"]  # noqa: E731

    monkeypatch.chdir(repo)
    assert title("HEAD:openapi.json") == "top"
    assert title("HEAD:api/openapi.json") == "api"
    monkeypatch.chdir(repo / "api")
    assert title("HEAD:openapi.json") == "api"  # as git's HEAD:./openapi.json
    assert title("HEAD:./openapi.json") == "api"
    assert title("HEAD:../openapi.json") == "top"
    assert title(f"HEAD:{repo / 'openapi.json'}") == "top"
    with pytest.raises(LoadError, match=r"HEAD:\.\./\.\./x\.json: \.\./\.\./x\.json leads out"):
        load_spec("HEAD:../../x.json")
    with pytest.raises(LoadError, match="is outside the repository"):
        load_spec(f"HEAD:{tmp_path / 'x.json'}")


def user_schema(name: str) -> str:
    return yaml.safe_dump(
        {"User": {"type": "object", "required": [name], "properties": {name: {"type": "string"}}}}
    )


def referring(ref: str) -> str:
    return yaml.safe_dump(doc({"$ref": ref}))


def test_references_are_read_from_the_same_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "api/openapi.yaml": referring("./schemas/user.yaml#/User"),
            "api/schemas/user.yaml": user_schema("name"),
        },
    )
    write(repo, {"api/schemas/user.yaml": user_schema("full_name")})  # changed, not committed
    monkeypatch.chdir(repo)

    report = diff_specs("HEAD:api/openapi.yaml", "api/openapi.yaml")
    assert {(f.id, f.details.get("from"), f.details.get("to")) for f in report.findings} >= {
        ("response-property-renamed", "name", "full_name")
    }
    (repo / "api" / "schemas" / "user.yaml").unlink()
    bundled = json.dumps(load_spec("HEAD:api/openapi.yaml"))
    assert '"name"' in bundled
    assert "full_name" not in bundled


@pytest.mark.parametrize(
    ("files", "links", "ref", "error"),
    [
        (
            {},
            {},
            "../../../../../../etc/passwd",
            r"reference to /etc/passwd is outside the repository",
        ),
        ({}, {}, "file:///etc/passwd", r"reference to /etc/passwd is outside the repository"),
        (
            {},
            {"api/schemas/evil.yaml": "/etc/passwd"},
            "./schemas/evil.yaml",
            r"HEAD:api/schemas/evil.yaml: api/schemas/evil.yaml is a link out of the repository "
            r"\(/etc/passwd\); refusing to follow it \(referenced from HEAD:api/openapi.yaml\)",
        ),
        (
            {},
            {"api/schemas/evil.yaml": "../../../../../etc/hostname"},
            "./schemas/evil.yaml",
            r"HEAD:api/schemas/evil.yaml: leads out of the repository",
        ),
        (
            {},
            {"api/schemas/loop.yaml": "loop.yaml"},
            "./schemas/loop.yaml",
            r"is a loop",
        ),
        (
            {"api/schemas/user.yaml": user_schema("name")},
            {},
            "./schemas/missing.yaml",
            r"HEAD:api/schemas/missing.yaml: no such file or directory at revision HEAD "
            r"\(looked for api/schemas/missing.yaml in .*\) \(referenced from HEAD:api/openapi.yaml\)",
        ),
        ({}, {}, "./schemas", r"HEAD:api/schemas: is a directory, not an OpenAPI document"),
        ({}, {}, "https://example.com/user.yaml", r"HEAD:api/openapi.yaml: remote reference"),
    ],
)
def test_references_stay_inside_the_revision(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    links: dict[str, str],
    ref: str,
    error: str,
) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo, {"api/openapi.yaml": referring(ref), "api/schemas/.keep": "", **files})
    for link, target in links.items():
        os.symlink(target, repo / link)
    commit(repo)
    monkeypatch.chdir(repo)
    with pytest.raises(RefError, match=error):
        load_spec("HEAD:api/openapi.yaml")


def test_a_link_inside_the_tree_is_followed_and_the_working_tree_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    write(
        repo,
        {
            "api/openapi.yaml": referring("./schemas/alias.yaml#/User"),
            "api/schemas/user.yaml": user_schema("name"),
        },
    )
    os.symlink("user.yaml", repo / "api" / "schemas" / "alias.yaml")
    os.symlink("api/openapi.yaml", repo / "openapi.yaml")  # the TARGET itself is a link
    commit(repo)
    (repo / "api" / "schemas" / "user.yaml").write_text(user_schema("full_name"))
    monkeypatch.chdir(repo)
    for target in ("HEAD:api/openapi.yaml", "HEAD:openapi.yaml"):
        schema = load_spec(target)["x-driftguard-bundled"]["alias.yaml"]["User"]
        assert schema["required"] == ["name"]


def test_blobs_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "big.json": b" " * (MAX_BYTES + 1),
            "api.yaml": referring("./big.json"),
            "snapshots/openapi.json": titled("shop"),
            "snapshots/responses/big.json": b" " * (MAX_BYTES + 1),
        },
    )
    monkeypatch.chdir(repo)
    with pytest.raises(
        LoadError, match=r"^HEAD:big.json: larger than 64 MiB; refusing to read it$"
    ):
        load_spec("HEAD:big.json")
    with pytest.raises(
        RefError, match=r"^HEAD:big.json: larger than 64 MiB; .* \(referenced from HEAD:api.yaml\)$"
    ):
        load_spec("HEAD:api.yaml")
    result = driftguard(repo, "diff", "HEAD:snapshots", "HEAD:snapshots")
    assert result.returncode == 2
    assert result.stderr == (
        "error: HEAD:snapshots/responses/big.json: larger than 64 MiB; refusing to read it\n"
    )


def one_error(result: Any) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path / "repo")
    commit(repo, {"openapi.json": titled("shop"), "spec.json/part.json": titled("part")})
    commit(repo, {"module.py": "x = 1\n"}, "a second commit")
    return repo


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["nope:openapi.json", "openapi.json"],
            "error: nope:openapi.json: unknown revision 'nope' in the git repository {repo}",
        ),
        (
            ["HEAD~1:module.py", "openapi.json"],
            "error: HEAD~1:module.py: no such file or directory at revision HEAD~1 "
            "(looked for module.py in {repo})",
        ),
        (
            ["HEAD:spec.json", "openapi.json"],
            "error: HEAD:spec.json: is a directory, not an OpenAPI document",
        ),
        (
            ["HEAD:module.py", "openapi.json"],
            "error: HEAD:module.py: not an OpenAPI document (top level is not an object)",
        ),
    ],
)
def test_bad_revisions_are_one_error_line(repo: Path, args: list[str], expected: str) -> None:
    assert one_error(driftguard(repo, "diff", *args)) == expected.format(repo=repo)


def test_outside_a_repository_and_without_git(tmp_path: Path, repo: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    line = one_error(driftguard(tmp_path / "elsewhere", "diff", "HEAD:openapi.json", "x.json"))
    assert (
        line == f"error: HEAD:openapi.json: not inside a git repository ({tmp_path / 'elsewhere'})"
    )
    nothing = tmp_path / "empty-path"
    nothing.mkdir()
    line = one_error(
        driftguard(repo, "diff", "HEAD:openapi.json", "x.json", env={"PATH": str(nothing)})
    )
    assert line == (
        "error: HEAD:openapi.json: git is not installed (it is needed to read a REV:PATH target)"
    )


def test_the_library_raises_what_the_cli_reports(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    with pytest.raises(TargetError, match="unknown revision 'v9'"):
        diff_specs("v9:openapi.json", "openapi.json")
    assert load_spec("HEAD~1:openapi.json") == load_spec("openapi.json")
