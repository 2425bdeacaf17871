"""The snapshot directory: atomic replacement, locks, journals, corrupt files."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from driftguard import SnapshotError
from driftguard.shapes import infer_shape
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import (
    ci_is_set,
    load_snapshot,
    write_record,
    write_snapshot,
)

SPEC: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def spec(version: str) -> dict[str, Any]:
    return {**SPEC, "info": {"title": "t", "version": version}}


def record(body: Any, status: int = 200) -> ResponseRecord:
    return ResponseRecord.from_json(body, status=status, request={"method": "GET", "path": "/x"})


def test_write_and_load_a_snapshot_directory(tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    (directory / "tests" / "test_mod").mkdir(parents=True)
    fixture_file = directory / "tests" / "test_mod" / "test_a.json"
    fixture_file.write_text("{}\n")
    changes = write_snapshot(directory, spec("1"), {"a": record({"x": 1}), "b": record([])})
    assert (changes.spec, changes.added) == ("created", ["a", "b"])
    loaded = load_snapshot(directory)
    assert loaded.spec == spec("1")
    assert set(loaded.records) == {"a", "b"}
    assert loaded.records["a"].shape == infer_shape({"x": 9})

    changes = write_snapshot(
        directory, spec("2"), {"a": record({"x": "now a string"}), "c": record({})}, previous=loaded
    )
    assert changes.spec == "replaced"
    assert (changes.added, changes.changed, changes.removed) == (["c"], ["a"], ["b"])
    lines = "\n".join(changes.lines())
    assert "removed (no longer probed): b" in lines
    assert "openapi.json: replaced" in lines
    assert sorted(os.listdir(directory)) == ["openapi.json", "responses", "tests"]
    assert sorted(os.listdir(directory / "responses")) == ["a.json", "c.json"]
    assert fixture_file.read_text() == "{}\n"  # the pytest fixture's records are not touched


def files(directory: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, mtime and inode: a file rewritten with the same bytes shows too."""
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def aged(directory: Path) -> None:
    """Date every file back, so that a rewrite within the same clock tick shows in its mtime."""
    for path in directory.rglob("*"):
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


def test_new_values_in_the_same_contract_leave_every_file_as_it_was(tmp_path: Path) -> None:
    write_snapshot(tmp_path, SPEC, {"a": record({"x": 1}), "b": record([{"y": "s"}])})
    aged(tmp_path)
    before = files(tmp_path)
    changes = write_snapshot(tmp_path, SPEC, {"a": record({"x": 2}), "b": record([{"y": "t"}])})
    assert (changes.spec, changes.unchanged, changes.changed, changes.written) == (
        "unchanged",
        ["a", "b"],
        [],
        False,
    )
    assert files(tmp_path) == before
    assert load_snapshot(tmp_path).records["a"].sample == {"x": 1}  # the old sample stays
    assert "2 probe(s) unchanged" in "\n".join(changes.lines())
    assert "nothing rewritten (2 probe(s) unchanged)" in changes.summary("t")


def test_only_what_changed_is_rewritten(tmp_path: Path) -> None:
    write_snapshot(tmp_path, SPEC, {"a": record({"x": 1}), "b": record({"y": 1})})
    aged(tmp_path)
    before = files(tmp_path)
    changes = write_snapshot(
        tmp_path, SPEC, {"a": record({"x": "now a string"}), "b": record({"y": 2})}
    )
    assert (changes.changed, changes.unchanged, changes.written) == (["a"], ["b"], True)
    after = files(tmp_path)
    assert after["responses/b.json"] == before["responses/b.json"]  # the same file, untouched
    assert after["openapi.json"] == before["openapi.json"]
    assert after["responses/a.json"] != before["responses/a.json"]
    assert load_snapshot(tmp_path).records["a"].sample == {"x": "now a string"}
    assert "(2 probe(s), 1 unchanged)" in changes.summary("t")

    aged(tmp_path)
    before = files(tmp_path)
    changes = write_snapshot(tmp_path, spec("2"), {"a": record({"x": "b"}), "b": record({"y": 3})})
    assert (changes.spec, changes.unchanged) == ("replaced", ["a", "b"])
    after = files(tmp_path)
    assert {k: v for k, v in after.items() if k != "openapi.json"} == {
        k: v for k, v in before.items() if k != "openapi.json"
    }
    assert load_snapshot(tmp_path).spec == spec("2")


def test_a_removed_probe_keeps_the_other_files(tmp_path: Path) -> None:
    write_snapshot(tmp_path, SPEC, {"a": record({"x": 1}), "b": record({"y": 1})})
    aged(tmp_path)
    before = files(tmp_path)
    changes = write_snapshot(tmp_path, SPEC, {"a": record({"x": 5})})
    assert (changes.removed, changes.unchanged) == (["b"], ["a"])
    assert files(tmp_path) == {k: v for k, v in before.items() if k != "responses/b.json"}


def test_missing_and_corrupt_snapshots(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no snapshot here"):
        load_snapshot(tmp_path / "nope")
    with pytest.raises(SnapshotError, match="no snapshot here"):
        load_snapshot(tmp_path)
    write_snapshot(tmp_path, SPEC, {"a": record({"x": 1})})
    bad = tmp_path / "responses" / "a.json"
    bad.write_text('{"status": 200, "shape": {"type": "object", "properties": [')
    with pytest.raises(SnapshotError, match=r"a\.json: corrupt snapshot: not JSON"):
        load_snapshot(tmp_path)
    (tmp_path / "openapi.json").write_text("[1]")
    with pytest.raises(SnapshotError, match=r"openapi\.json: corrupt snapshot"):
        load_snapshot(tmp_path)


def test_an_interrupted_swap_is_completed_by_the_next_reader(tmp_path: Path) -> None:
    write_snapshot(tmp_path, spec("1"), {"old": record({"x": 1})})
    # A writer that staged everything and wrote its journal, then died before swapping.
    stage = tmp_path / ".driftguard-staging-999-dead"
    (stage / "responses").mkdir(parents=True)
    (stage / "openapi.json").write_text(json.dumps(spec("2")))
    write_record(stage / "responses" / "new.json", record({"y": 1}))
    (tmp_path / ".driftguard-swap").write_text(stage.name + "\n")
    # ... and died half-way through the swap itself: responses/ already moved aside.
    (tmp_path / "responses").rename(stage / "replaced-responses")
    loaded = load_snapshot(tmp_path)
    assert loaded.spec == spec("2")
    assert set(loaded.records) == {"new"}
    assert sorted(os.listdir(tmp_path)) == ["openapi.json", "responses"]


def test_parallel_writers_never_leave_a_mixed_snapshot(tmp_path: Path) -> None:
    directory = tmp_path / "snapshots"
    write_snapshot(directory, spec("0"), {"p": record({"gen-0": "0"})})
    errors: list[str] = []

    def writer(generation: int) -> None:
        for round_ in range(5):
            gen = f"{generation}-{round_}"
            # a field named after the generation: a new shape, so every write rewrites it
            names = {f"p{i}": record({f"gen-{gen}": gen}) for i in range(generation % 3 + 1)}
            write_snapshot(directory, spec(gen), names)

    def reader() -> None:
        for _ in range(40):
            snap = load_snapshot(directory)
            assert snap.spec is not None
            gen = snap.spec["info"]["version"]
            for name, rec in snap.records.items():
                if rec.sample != {f"gen-{gen}": gen}:
                    errors.append(f"{name}: {rec.sample} with spec {gen}")

    threads = [threading.Thread(target=writer, args=(g,)) for g in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in directory.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("TRUE", True),
        ("false", False),
        ("0", False),
        ("", False),
        ("no", False),
    ],
)
def test_ci_is_set(value: str, expected: bool) -> None:
    assert ci_is_set({"CI": value}) is expected
    assert ci_is_set({}) is False


def test_a_snapshot_target_reads_its_document_through_the_store(tmp_path: Path) -> None:
    """``diff DIR`` after a writer died mid-swap sees the new document, not the stale one."""
    from driftguard import load_spec

    write_snapshot(tmp_path, spec("1"), {})
    stage = tmp_path / ".driftguard-staging-999-dead"
    stage.mkdir()
    (stage / "openapi.json").write_text(json.dumps(spec("2")))
    (tmp_path / ".driftguard-swap").write_text(stage.name + "\n")
    assert load_spec(str(tmp_path))["info"]["version"] == "2"
    assert sorted(os.listdir(tmp_path)) == ["openapi.json", "responses"]


def test_the_document_alone_is_written_under_the_swap_lock(tmp_path: Path) -> None:
    """Writing the document alone (write_spec) completes an interrupted swap first."""
    from driftguard.snapshots.store import read_spec, write_spec

    write_snapshot(tmp_path, spec("1"), {"kept": record({"x": 1})})
    stage = tmp_path / ".driftguard-staging-999-dead"
    (stage / "responses").mkdir(parents=True)
    write_record(stage / "responses" / "new.json", record({"y": 1}))
    (tmp_path / ".driftguard-swap").write_text(stage.name + "\n")
    write_spec(tmp_path, spec("3"))  # completes the interrupted swap first
    assert read_spec(tmp_path) == spec("3")
    assert set(load_snapshot(tmp_path).records) == {"new"}
    assert not (tmp_path / ".driftguard-swap").exists()
    with pytest.raises(SnapshotError, match="not a snapshot directory"):
        read_spec(tmp_path / "responses")
