"""Snapshot directories at a git revision: ``diff HEAD~1:snapshots snapshots`` and the CI use,
``check app --dir origin/main:snapshots``, read exactly as the store reads a directory."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from driftguard import SnapshotError, check, snapshot
from driftguard._errors import UsageError
from driftguard.snapshots.store import load_snapshot, write_snapshot, write_spec
from tests.servers import serve
from tests.snapshots.apps import v2_app
from tests.targets.repos import commit, driftguard, git, new_repo

SHOP = """
from fastapi import FastAPI
from pydantic import BaseModel


class User(BaseModel):
    id: int
    name: str


app = FastAPI(title="shop")


@app.get("/users/1", response_model=User)
def get_user() -> User:
    return User(id=1, name="Ada")
"""
RENAMED = SHOP.replace("name: str", "full_name: str").replace('name="Ada"', 'full_name="Ada"')


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A repository whose main holds the shop app and its snapshot, made by the real CLI."""
    repo = new_repo(tmp_path / "shop")
    commit(repo, {"shop.py": SHOP, ".gitignore": "__pycache__/\n"}, "the shop")
    result = driftguard(repo, "snapshot", "shop:app")
    assert result.returncode == 0, result.stderr
    commit(repo, message="its snapshot")
    return repo


def report_of(result: Any) -> dict[str, Any]:
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def ids(report: dict[str, Any], source: str) -> set[str]:
    return {f["id"] for f in report["findings"] if f["source"] == source}


def test_check_the_pull_request_against_the_snapshot_on_main(shop: Path, tmp_path: Path) -> None:
    git(tmp_path, "clone", "-q", str(shop), "pr")
    pr = tmp_path / "pr"
    (pr / "shop.py").write_text(RENAMED)  # the pull request renames a field ...
    shutil.rmtree(pr / "snapshots")  # ... and its working tree has no snapshot to read
    scratch = tmp_path / "tmp"
    scratch.mkdir()

    result = driftguard(
        pr,
        "check",
        "shop:app",
        "--dir",
        "origin/main:snapshots",
        "--format",
        "json",
        env={"TMPDIR": str(scratch)},
    )
    report = report_of(result)
    assert result.returncode == 1
    assert report["run"]["target"] == "shop:app"
    assert report["run"]["baseline"] == "origin/main:snapshots"
    assert (
        "OpenAPI document compared with origin/main:snapshots/openapi.json"
        in (report["run"]["notes"])
    )
    # the app kept its version through a breaking change: the lifecycle rules say so too
    assert ids(report, "schema") == {
        "response-property-renamed",
        "api-major-version-not-bumped",
        "api-version-not-bumped",
    }
    assert ids(report, "response") == {"response-field-renamed"}
    assert not (pr / "snapshots").exists()
    assert not list(scratch.iterdir())  # the copy out of git is gone
    assert git(pr, "status", "--porcelain") == " M shop.py\n D snapshots/openapi.json\n" + (
        " D snapshots/responses/get-users-1.json\n"
    )


def test_a_snapshot_at_a_revision_is_read_only(shop: Path) -> None:
    for args in (
        ["check", "shop:app", "--dir", "HEAD:snapshots", "--update"],
        ["snapshot", "shop:app", "--dir", "HEAD:snapshots"],
        # refused before anything is read or sent
        ["check", "shop:app", "--dir", "HEAD:nothing", "--update"],
    ):
        result = driftguard(shop, *args)
        assert result.returncode == 2
        assert result.stderr == (
            f"error: {args[3]}: a snapshot at a git revision is read-only (write it in a "
            "directory, or check out HEAD and update the snapshot there)\n"
        )
    assert git(shop, "status", "--porcelain") == ""
    assert not (shop / "HEAD:snapshots").exists()


def test_the_store_itself_never_writes_to_a_revision(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop)
    recorded = load_snapshot("HEAD:snapshots")
    with pytest.raises(UsageError, match="read-only"):
        write_snapshot("HEAD:snapshots", recorded.spec, recorded.records)
    with pytest.raises(UsageError, match="read-only"):
        write_spec("HEAD:snapshots", recorded.spec or {})
    # (__pycache__: Python's, when an earlier test of the module imported shop.py)
    written = sorted(p.name for p in shop.iterdir() if p.name != "__pycache__")
    assert written == [".git", ".gitignore", "shop.py", "snapshots"]


def test_diff_a_committed_snapshot_with_the_one_after_it(shop: Path) -> None:
    (shop / "shop.py").write_text(RENAMED)
    assert driftguard(shop, "snapshot", "shop:app").returncode == 0
    commit(shop, message="renamed")

    for old, new in (("HEAD~1:snapshots", "snapshots"), ("HEAD~1:snapshots", "HEAD:./snapshots")):
        result = driftguard(shop, "diff", old, new, "--format", "json")
        report = report_of(result)
        assert result.returncode == 1
        assert ids(report, "schema") == {
            "response-property-renamed",
            "api-major-version-not-bumped",
            "api-version-not-bumped",
        }
        assert (report["run"]["baseline"], report["run"]["target"]) == (old, new)
    result = driftguard(shop, "diff", "HEAD:snapshots", "snapshots", "--format", "json")
    assert report_of(result)["findings"] == []


def test_a_revision_reads_as_the_directory_reads(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop)
    here, there = load_snapshot("snapshots"), load_snapshot("HEAD:snapshots")
    assert str(there.directory) == "HEAD:snapshots"
    assert there.spec == here.spec
    assert {k: r.to_dict() for k, r in there.records.items()} == {
        k: r.to_dict() for k, r in here.records.items()
    }
    (shop / "shop.py").write_text(RENAMED)
    same = [
        driftguard(shop, "check", "shop:app", "--dir", d, "--format", "json")
        for d in ("snapshots", "HEAD:snapshots")
    ]
    for result in same:
        assert result.returncode == 1
    reports = [report_of(result) for result in same]
    for report in reports:
        del report["run"]["started"], report["run"]["seconds"], report["run"]["baseline"]
        report["run"]["notes"] = [
            n.replace("HEAD:snapshots", "snapshots") for n in report["run"]["notes"]
        ]
    assert reports[0] == reports[1]


def test_a_corrupt_committed_record_names_it_as_written(shop: Path) -> None:
    record = shop / "snapshots" / "responses" / "get-users-1.json"
    record.write_text('{"status": 200,')
    commit(shop, message="broken")
    here = driftguard(shop, "check", "shop:app", "--dir", "snapshots")
    there = driftguard(shop, "check", "shop:app", "--dir", "HEAD:snapshots")
    assert (here.returncode, there.returncode) == (2, 2)
    assert here.stderr.startswith("error: snapshots/responses/get-users-1.json: corrupt snapshot")
    assert there.stderr == here.stderr.replace("error: snapshots/", "error: HEAD:snapshots/")


def test_links_in_a_committed_snapshot_stay_in_the_tree(
    shop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = shop / "snapshots" / "responses"
    os.symlink("get-users-1.json", responses / "alias.json")
    commit(shop, message="an alias")
    monkeypatch.chdir(shop)
    records = load_snapshot("HEAD:snapshots").records
    assert records["alias"].to_dict() == records["get-users-1"].to_dict()

    os.symlink("/etc/passwd", responses / "leak.json")
    commit(shop, message="a leak")
    with pytest.raises(
        SnapshotError,
        match=r"^HEAD:snapshots/responses/leak.json: snapshots/responses/leak.json is a link out "
        r"of the repository \(/etc/passwd\); refusing to follow it$",
    ):
        load_snapshot("HEAD:snapshots")


@pytest.mark.parametrize(
    ("directory", "error"),
    [
        ("HEAD:nothing", r"^HEAD:nothing: no such file or directory at revision HEAD"),
        ("HEAD:shop.py", r"^HEAD:shop.py: a file at revision HEAD, not a directory$"),
        ("HEAD:.", r"^HEAD:\.: no snapshot here \(no openapi.json; run 'driftguard snapshot'\)$"),
    ],
)
def test_what_is_no_snapshot_at_a_revision(
    shop: Path, monkeypatch: pytest.MonkeyPatch, directory: str, error: str
) -> None:
    monkeypatch.chdir(shop)
    with pytest.raises(SnapshotError, match=error):
        check("shop:app", snapshots=directory)


def test_a_live_service_against_a_committed_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    snapshot("tests.snapshots.apps:v1_app", snapshots="snapshots")
    commit(repo, message="snapshot of v1")
    shutil.rmtree("snapshots")
    with serve(v2_app) as url:
        report = check(url, snapshots="HEAD:snapshots")
        with pytest.raises(UsageError, match="read-only"):
            check(url, snapshots="HEAD:snapshots", update=True)
    renamed = {f.details["path"] for f in report.findings if f.id == "response-field-renamed"}
    assert "$.customer_name" in renamed
    assert report.run.baseline == "HEAD:snapshots"
    assert not Path("snapshots").exists()
