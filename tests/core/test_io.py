"""Atomic writes: readers see the old file or the new one, never a mixture or a leftover."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from driftguard import DriftguardError
from driftguard._io import atomic_write_text, canonical_json


def test_canonical_json_is_sorted_indented_and_ends_with_newline() -> None:
    assert canonical_json({"b": 1, "a": {"d": "é", "c": [1]}}) == (
        '{\n  "a": {\n    "c": [\n      1\n    ],\n    "d": "é"\n  },\n  "b": 1\n}\n'
    )


def test_atomic_write_creates_parents_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.json"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert os.listdir(target.parent) == ["report.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.json"
    target.write_text("old\n")

    with pytest.raises(TypeError):
        atomic_write_text(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["keep.json"]


def test_unwritable_location_is_a_driftguard_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(DriftguardError, match="cannot write"):
        atomic_write_text(blocker / "sub" / "x.json", "x")


def test_new_files_get_the_umask_mode_and_existing_files_keep_theirs(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        atomic_write_text(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.json"
        kept.write_text("old")
        kept.chmod(0o600)
        atomic_write_text(kept, "new")
        assert kept.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
