"""Snapshot files a pull request can plant: links to devices, FIFOs, absurd JSON.

Reading any of them is a SnapshotError at once: never a hang, a full memory or a traceback.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from driftguard import SnapshotError
from driftguard.snapshots.store import load_snapshot, write_snapshot

SPEC = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_a_committed_link_to_a_device_or_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    """git stores symlinks: a snapshot from a pull request may point a record anywhere."""
    write_snapshot(
        tmp_path, {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}, {}
    )
    responses = tmp_path / "responses"
    (responses / "zero.json").symlink_to("/dev/zero")
    started = time.monotonic()
    with pytest.raises(SnapshotError, match=r"zero.json: .*not a regular file"):
        load_snapshot(tmp_path)
    (responses / "zero.json").unlink()
    os.mkfifo(responses / "pipe.json")
    with pytest.raises(SnapshotError, match=r"pipe.json: .*not a regular file"):
        load_snapshot(tmp_path)
    assert time.monotonic() - started < 5


def test_a_record_too_deep_or_with_an_endless_integer_is_corrupt(tmp_path: Path) -> None:
    write_snapshot(
        tmp_path, {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}, {}
    )
    record = tmp_path / "responses" / "bad.json"
    record.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SnapshotError, match=r"bad\.json: corrupt snapshot: nested too deeply"):
        load_snapshot(tmp_path)
    record.write_text('{"status": ' + "9" * 5000 + "}")
    with pytest.raises(SnapshotError, match=r"bad\.json: corrupt snapshot: Exceeds the limit"):
        load_snapshot(tmp_path)
