"""How ``REV:PATH`` is told apart from ``module:attr`` (and from files): by what resolves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from driftguard._git import RevisionPath, parse_revision
from driftguard.targets import resolve_target
from tests.documents import doc
from tests.targets.repos import commit, driftguard, git, new_repo

APP = """
from fastapi import FastAPI

app = FastAPI(title="the app")


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"pong": "yes"}
"""


@pytest.mark.parametrize(
    ("text", "rev", "path"),
    [
        ("origin/main:openapi.json", "origin/main", "openapi.json"),
        ("HEAD~1:snapshots", "HEAD~1", "snapshots"),
        ("v2.0.0:api/openapi.yaml", "v2.0.0", "api/openapi.yaml"),
        ("HEAD^{/fix: typo}:openapi.json", "HEAD^{/fix: typo}", "openapi.json"),
        ("main:./app", "main", "./app"),
        ("HEAD:dir/a:b.json", "HEAD", "dir/a:b.json"),
        ("HEAD:", "HEAD", ""),
    ],
)
def test_rev_and_path_split_at_the_first_colon(text: str, rev: str, path: str) -> None:
    assert parse_revision(text) == RevisionPath(text, rev, path)


@pytest.mark.parametrize(
    "text", ["openapi.json", ":openapi.json", "-p:x.json", "/srv/a:b/openapi.json", "a\n:b"]
)
def test_what_cannot_be_a_revision(text: str) -> None:
    assert parse_revision(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "origin/main:openapi.json",
        "HEAD~1:snapshots",
        "HEAD^:snapshots",
        "v2.0.0:api/openapi.yaml",
        "HEAD:openapi.json",
        "main:./app",
        "2024:snapshots",
    ],
)
def test_what_cannot_be_an_app_is_a_revision_without_asking_git(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no repository here: the kind is told by the text alone
    assert resolve_target(text).kind == "revision"


def test_an_existing_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "HEAD:snapshots").mkdir()
    (tmp_path / "HEAD:openapi.json").write_text(json.dumps(doc({"type": "string"})))
    assert resolve_target("HEAD:snapshots").kind == "snapshot"
    assert resolve_target("HEAD:openapi.json").kind == "file"


@pytest.fixture
def ambiguous(tmp_path: Path) -> Path:
    """Branch ``main`` holds a snapshot directory ``app``, and branch ``pkg.sub`` too:
    ``main:app`` and ``pkg.sub:app`` can each be an app or a revision."""
    repo = new_repo(tmp_path / "repo")
    document = doc({"type": "string"})
    commit(repo, {"app/openapi.json": json.dumps(document), "openapi.json": json.dumps(document)})
    git(repo, "branch", "pkg.sub")
    return repo


def compared(repo: Path, old: str) -> str:
    result = driftguard(repo, "diff", old, "openapi.json", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    notes: list[str] = json.loads(result.stdout)["run"]["notes"]
    return notes[-1]


def test_an_ambiguous_target_is_a_revision_when_no_module_is_found(ambiguous: Path) -> None:
    assert compared(ambiguous, "main:app") == (
        "compared main:app (1 operations) with openapi.json (1 operations)"
    )


def test_an_ambiguous_target_is_an_app_when_its_module_is_found(ambiguous: Path) -> None:
    (ambiguous / "main.py").write_text(APP)
    assert compared(ambiguous, "main:app").startswith("compared main:app (1 operations)")
    result = driftguard(ambiguous, "diff", "main:app", "openapi.json", "--format", "json")
    assert "GET /ping" in {f["operation"] for f in json.loads(result.stdout)["findings"]}
    # ./ makes it a path: the revision, whatever module there is
    result = driftguard(ambiguous, "diff", "main:./app", "openapi.json", "--format", "json")
    assert json.loads(result.stdout)["findings"] == []


def test_a_module_is_looked_for_without_importing_it(ambiguous: Path) -> None:
    package = ambiguous / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("open('imported', 'w').close()\n")
    assert compared(ambiguous, "pkg.sub:app").startswith("compared pkg.sub:app")
    assert not (ambiguous / "imported").exists()


def test_when_neither_resolves_one_line_says_what_was_tried(ambiguous: Path) -> None:
    result = driftguard(ambiguous, "diff", "main:nothing", "openapi.json")
    assert result.returncode == 2
    assert result.stderr == (
        f"error: main:nothing: cannot import module 'main' (looked in {ambiguous}), nor read "
        "it as REV:PATH: no such file or directory at revision main (looked for nothing in "
        f"{ambiguous})\n"
    )
    result = driftguard(ambiguous, "check", "missing_module:app")
    assert result.returncode == 2
    assert result.stderr == (
        "error: missing_module:app: cannot import module 'missing_module' (looked in "
        f"{ambiguous}), nor read it as REV:PATH: unknown revision 'missing_module' in the git "
        f"repository {ambiguous}\n"
    )


def test_help_and_parsing_never_call_git(tmp_path: Path) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    result = driftguard(tmp_path, "diff", "--help", env={"PATH": str(empty)})
    assert result.returncode == 0
    assert "OLD" in result.stdout
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from driftguard.cli import build_parser; "
            "build_parser().parse_args(['diff', 'HEAD~1:a.json', 'main:app']); "
            "print('driftguard._git' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout == "False\n"


def test_a_path_object_is_a_target_for_the_library(tmp_path: Path) -> None:
    """``snapshot``, ``check`` and ``load_spec`` take a pathlib.Path as they take its text."""
    import driftguard

    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    driftguard.snapshot(spec, snapshots=tmp_path / "snapshots")
    report = driftguard.check(spec, snapshots=tmp_path / "snapshots")
    assert report.summary["breaking"] == 0
    assert driftguard.load_spec(spec)["info"]["title"] == "t"
