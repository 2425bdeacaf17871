"""Hostile snapshot directories: failed and killed swaps, racing writers, broken parts, journals.

Everything here is real: directories, files, symbolic links, processes killed with SIGKILL
half-way through a swap. Only where root (the CI user) cannot make a system call fail, a test
makes one rename fail on purpose, to prove every step of a swap can be undone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from driftguard import SnapshotError
from driftguard.cli import main
from driftguard.snapshots.store import load_snapshot, read_spec, write_snapshot, write_spec
from tests.reliability.faults import (
    NEEDS_NON_ROOT,
    child,
    failing_rename,
    kill_writer_at,
    leftovers,
    moves_aside,
    moves_in,
    record,
    spec,
    tree,
)


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    directory = tmp_path / "snaps"
    write_snapshot(directory, spec("1"), {"a": record({"x": 1}), "b": record([1])})
    return directory


# 1. A failed swap leaves the old snapshot exactly as it was, and the next command working.


def test_a_swap_over_a_directory_named_openapi_json_is_undone(snap: Path) -> None:
    (snap / "openapi.json").unlink()
    (snap / "openapi.json").mkdir()
    (snap / "openapi.json" / "mine.txt").write_text("not driftguard's\n")
    before = tree(snap)
    with pytest.raises(SnapshotError, match=r"openapi\.json: .*[Ii]s a directory"):
        write_snapshot(snap, spec("2"), {"new": record({"y": 1})})
    assert tree(snap) == before
    assert leftovers(snap) == []
    with pytest.raises(SnapshotError, match=r"openapi\.json: cannot read"):
        load_snapshot(snap)  # the old snapshot, exactly as unreadable as it was
    (snap / "openapi.json" / "mine.txt").unlink()
    (snap / "openapi.json").rmdir()
    assert set(load_snapshot(snap).records) == {"a", "b"}
    write_snapshot(snap, spec("3"), {"c": record({})})
    assert read_spec(snap) == spec("3")


def test_the_cli_says_error_and_then_works_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    app = "tests.snapshots.apps:v1_app"
    assert main(["snapshot", app, "--dir", "snaps", "-q"]) == 0
    document = Path("snaps/openapi.json")
    document.unlink()
    document.mkdir()
    capsys.readouterr()
    for args in (["snapshot", app, "--force"], ["check", app], ["check", app, "--update"]):
        assert main([*args, "--dir", "snaps", "-q"]) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("error: "), err
        assert err.count("\n") == 1, err
        assert "internal error" not in err, err
        assert "openapi.json" in err, err
    document.rmdir()
    assert main(["check", app, "--dir", "snaps", "-q"]) == 0
    assert main(["check", app, "--dir", "snaps", "--update", "-q"]) == 0
    assert document.is_file()


@NEEDS_NON_ROOT
def test_a_read_only_responses_directory_fails_the_write_only(snap: Path) -> None:
    responses = snap / "responses"
    before = tree(snap)
    responses.chmod(0o555)
    try:
        with pytest.raises(SnapshotError, match=r"responses: .*[Pp]ermission denied"):
            write_snapshot(snap, spec("2"), {"new": record({"y": 1})})
        assert set(load_snapshot(snap).records) == {"a", "b"}
    finally:
        responses.chmod(0o755)
    assert tree(snap) == before
    assert leftovers(snap) == []


@pytest.mark.parametrize("step", [moves_aside, moves_in], ids=["aside", "in"])
def test_every_step_of_a_swap_is_undone_when_a_later_one_fails(
    snap: Path, step: Callable[[str, str], bool]
) -> None:
    before = tree(snap)
    with failing_rename(step), pytest.raises(SnapshotError, match=r"responses: .*denied"):
        write_snapshot(snap, spec("2"), {"new": record({"y": 1})})
    assert tree(snap) == before
    assert leftovers(snap) == []


# 4. A writer killed half-way: the next reader completes its swap and cleans up at once.


def test_a_writer_killed_after_moving_responses_aside(snap: Path) -> None:
    kill_writer_at(snap, "aside")
    assert not (snap / "responses").exists()  # killed where intended: responses/ is missing
    loaded = load_snapshot(snap)
    assert (loaded.spec, set(loaded.records)) == (spec("2"), {"a", "c"})
    assert leftovers(snap) == []


def test_a_writer_killed_before_replacing_openapi_json(snap: Path) -> None:
    kill_writer_at(snap, "in")
    assert (snap / "responses" / "c.json").exists()  # new responses beside the old document
    assert read_spec(snap) == spec("2")
    assert set(load_snapshot(snap).records) == {"a", "c"}
    assert leftovers(snap) == []


def test_a_swap_that_cannot_be_completed_is_undone_by_the_next_reader(snap: Path) -> None:
    before = tree(snap)
    kill_writer_at(snap, "in")
    (snap / "openapi.json").unlink()  # and then the old document became a directory
    (snap / "openapi.json").mkdir()
    with pytest.raises(SnapshotError, match=r"openapi\.json: cannot read"):
        load_snapshot(snap)
    assert leftovers(snap) == []
    (snap / "openapi.json").rmdir()
    assert set(load_snapshot(snap).records) == {"a", "b"}  # the old responses, back in place
    assert {k: v for k, v in tree(snap).items() if k != "openapi.json"} == {
        k: v for k, v in before.items() if k != "openapi.json"
    }


def test_a_swap_that_can_neither_be_completed_nor_undone_loses_nothing(snap: Path) -> None:
    kill_writer_at(snap, "aside")
    with failing_rename(lambda src, dst: True), pytest.raises(SnapshotError) as caught:
        load_snapshot(snap)
    assert "could neither be completed" in str(caught.value)
    assert "internal" not in str(caught.value)
    assert (snap / ".driftguard-swap").exists()  # kept, for the next try
    assert load_snapshot(snap).spec == spec("2")  # which completes it
    assert leftovers(snap) == []


@pytest.mark.parametrize("reader", ["load", "read_spec", "write_spec", "write"])
def test_a_writer_killed_while_staging_leaves_nothing_behind(snap: Path, reader: str) -> None:
    before = tree(snap)
    kill_writer_at(snap, "staging")
    assert len(leftovers(snap)) == 1  # its staging directory, with a pid that is gone
    if reader == "load":
        assert set(load_snapshot(snap).records) == {"a", "b"}
    elif reader == "read_spec":
        assert read_spec(snap) == spec("1")
    elif reader == "write_spec":
        write_spec(snap, spec("1"))
    else:
        write_snapshot(snap, spec("1"), {"a": record({"x": 1}), "b": record([1])})
    assert leftovers(snap) == []
    assert tree(snap) == before


def test_the_staging_directory_of_a_live_writer_is_left_alone(snap: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = snap / f".driftguard-staging-{sleeper.pid}-0123abcd"
        (live / "responses").mkdir(parents=True)
        dead = snap / ".driftguard-staging-999999999-0123abcd"
        (dead / "responses").mkdir(parents=True)
        load_snapshot(snap)
        write_snapshot(snap, spec("2"), {})
        assert leftovers(snap) == [live.name]
    finally:
        sleeper.kill()
        sleeper.wait()


# 2. Two writers: the one that waited for the lock reports what the other one wrote.


def test_a_writer_that_waited_at_the_lock_reports_what_it_replaced(snap: Path) -> None:
    stale = load_snapshot(snap)  # writer B loads the snapshot (version 1) ...
    seen: list[Any] = []
    records = dict(stale.records)
    second = threading.Thread(
        target=lambda: seen.append(write_snapshot(snap, spec("1"), records, previous=stale))
    )
    with child(snap, "hold", stdin=subprocess.PIPE, stdout=subprocess.PIPE) as first:
        assert first.stdout is not None
        assert first.stdin is not None
        assert first.stdout.readline() == "holding\n"  # ... A holds the lock, mid-swap ...
        second.start()  # ... B stages, then waits for the lock ...
        deadline = time.monotonic() + 30
        while len(leftovers(snap)) < 3 and time.monotonic() < deadline:  # journal, 2 stages
            time.sleep(0.01)
        assert len(leftovers(snap)) == 3
        first.stdin.write("go\n")
        first.stdin.flush()
        assert first.stdout.readline() == "replaced ['c'] ['a'] ['b']\n"
        assert first.wait(timeout=60) == 0
    second.join(timeout=60)
    (changes,) = seen
    # B replaced A's version 2 (a and c, new shapes), and must say so.
    assert changes.spec == "replaced"
    assert (changes.added, changes.changed, changes.removed) == (["b"], ["a"], ["c"])
    assert read_spec(snap) == spec("1")
    assert set(load_snapshot(snap).records) == {"a", "b"}


# 3. Every part of a snapshot that cannot be read is a SnapshotError, and is left untouched.


def first_record(snap: Path) -> Path:
    return min((snap / "responses").glob("*.json"))


def responses_is_a_file(snap: Path) -> Path:
    shutil.rmtree(snap / "responses")
    (snap / "responses").write_text("{}\n")
    return snap / "responses"


def responses_is_a_broken_link(snap: Path) -> Path:
    responses_is_a_file(snap).unlink()
    (snap / "responses").symlink_to(snap / "gone")
    return snap / "responses"


def responses_is_a_link_loop(snap: Path) -> Path:
    responses_is_a_file(snap).unlink()
    (snap / "responses").symlink_to("responses")
    return snap / "responses"


def a_record_is_a_directory(snap: Path) -> Path:
    record = first_record(snap)
    record.unlink()
    record.mkdir()
    return record


def a_record_is_not_utf8(snap: Path) -> Path:
    first_record(snap).write_bytes(b'{"status": "\xff\xfe"}')
    return first_record(snap)


def openapi_json_is_a_directory(snap: Path) -> Path:
    (snap / "openapi.json").unlink()
    (snap / "openapi.json").mkdir()
    return snap / "openapi.json"


def openapi_json_is_a_broken_link(snap: Path) -> Path:
    (snap / "openapi.json").unlink()
    (snap / "openapi.json").symlink_to(snap / "gone.json")
    return snap / "openapi.json"


HOSTILE = [
    responses_is_a_file,
    responses_is_a_broken_link,
    responses_is_a_link_loop,
    a_record_is_a_directory,
    a_record_is_not_utf8,
    openapi_json_is_a_directory,
    openapi_json_is_a_broken_link,
]


@pytest.mark.parametrize("spoil", HOSTILE, ids=lambda f: f.__name__)
def test_an_unreadable_part_is_an_error_naming_it(
    snap: Path, spoil: Callable[[Path], Path]
) -> None:
    part = spoil(snap)
    before = tree(snap)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(snap)
    assert str(caught.value).startswith(f"{part}: "), caught.value
    assert tree(snap) == before


@pytest.mark.parametrize("spoil", HOSTILE, ids=lambda f: f.__name__)
def test_check_exits_2_on_an_unreadable_part(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spoil: Callable[[Path], Path],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    app = "tests.snapshots.apps:v1_app"
    assert main(["snapshot", app, "--dir", "snaps", "-q"]) == 0
    part = spoil(tmp_path / "snaps")
    capsys.readouterr()
    assert main(["check", app, "--dir", "snaps", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {part.relative_to(tmp_path)}: "), err
    assert "internal" not in err


def test_a_file_named_responses_is_never_replaced(snap: Path) -> None:
    responses_is_a_file(snap)
    before = tree(snap)
    with pytest.raises(SnapshotError, match=r"responses: not a directory"):
        write_snapshot(snap, spec("2"), {"new": record({})})
    assert tree(snap) == before
    assert leftovers(snap) == []


@NEEDS_NON_ROOT
def test_an_unlistable_responses_directory_is_an_error(snap: Path) -> None:
    (snap / "responses").chmod(0)
    try:
        with pytest.raises(SnapshotError, match=r"responses: cannot read"):
            load_snapshot(snap)
    finally:
        (snap / "responses").chmod(0o755)


# 6. A journal that names no staging directory of this store is dropped; the snapshot is read.


def journal_is_binary(snap: Path) -> None:
    (snap / ".driftguard-swap").write_bytes(b"\xff\xfe\x00.driftguard-staging-999999999-\x80\n")


def journal_names_responses(snap: Path) -> None:
    (snap / ".driftguard-swap").write_text("responses\n")


def journal_names_a_parent(snap: Path) -> None:
    (snap / ".driftguard-swap").write_text("../\n")


def journal_names_a_missing_stage(snap: Path) -> None:
    (snap / ".driftguard-swap").write_text(".driftguard-staging-999999999-abc\n")


def journal_names_a_file(snap: Path) -> None:
    (snap / ".driftguard-staging-999999999-abc").write_text("{}")
    (snap / ".driftguard-swap").write_text(".driftguard-staging-999999999-abc\n")


def journal_names_a_link_elsewhere(snap: Path) -> None:
    elsewhere = snap.parent / "elsewhere"
    (elsewhere / "responses").mkdir(parents=True)
    (elsewhere / "openapi.json").write_text('{"not": "this"}')
    (snap / ".driftguard-staging-999999999-abc").symlink_to(elsewhere)
    (snap / ".driftguard-swap").write_text(".driftguard-staging-999999999-abc\n")


def journal_is_a_directory(snap: Path) -> None:
    (snap / ".driftguard-swap").mkdir()


@pytest.mark.parametrize(
    "spoil",
    [
        journal_is_binary,
        journal_names_responses,
        journal_names_a_parent,
        journal_names_a_missing_stage,
        journal_names_a_file,
        journal_names_a_link_elsewhere,
        journal_is_a_directory,
    ],
    ids=lambda f: f.__name__,
)
def test_a_journal_of_no_staging_directory_is_dropped(
    snap: Path, spoil: Callable[[Path], None]
) -> None:
    before = tree(snap)
    spoil(snap)
    loaded = load_snapshot(snap)
    assert (loaded.spec, set(loaded.records)) == (spec("1"), {"a", "b"})
    assert leftovers(snap) == []
    assert tree(snap) == before
    assert tree(snap.parent).keys() >= {"snaps/openapi.json", "snaps/responses/a.json"}
    if (snap.parent / "elsewhere").exists():  # a link is removed, never what it points to
        assert tree(snap.parent / "elsewhere") == {
            "openapi.json": b'{"not": "this"}',
            "responses": None,
        }
