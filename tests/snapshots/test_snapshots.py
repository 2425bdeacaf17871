"""The snapshot directory: records, redaction, atomic replacement, corrupt files."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from driftguard import SnapshotError
from driftguard._redact import REDACTED, redact
from driftguard.shapes import infer_shape
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import (
    ci_is_set,
    load_snapshot,
    read_record,
    write_record,
    write_snapshot,
)

SPEC: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def spec(version: str) -> dict[str, Any]:
    return {**SPEC, "info": {"title": "t", "version": version}}


def record(body: Any, status: int = 200) -> ResponseRecord:
    return ResponseRecord.from_json(body, status=status, request={"method": "GET", "path": "/x"})


def test_a_record_never_holds_a_secret(tmp_path: Path) -> None:
    secret = "s3cr3t-value-that-must-not-leak"
    body = {
        "id": 1,
        "access_token": secret,
        "nested": [{"password": secret, "ok": "fine"}],
        "header_echo": f"Bearer {secret}",
    }
    rec = ResponseRecord.from_json(
        body,
        status=200,
        request={"method": "POST", "path": "/login", "json": redact({"password": secret})},
    )
    path = tmp_path / "r.json"
    write_record(path, rec)
    text = path.read_text()
    assert secret not in text
    assert REDACTED in text
    # the shape still knows the fields exist
    again = read_record(path)
    assert again.shape is not None
    assert set(again.shape.fields) == {"id", "access_token", "nested", "header_echo"}


def test_record_round_trip_and_canonical_file(tmp_path: Path) -> None:
    rec = record({"b": [1, 2, 3, 4], "a": "x" * 300})
    path = tmp_path / "sub" / "r.json"
    write_record(path, rec)
    text = path.read_text()
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["sample"]["b"] == [1, 2]  # a short sample, not the whole body
    assert len(data["sample"]["a"]) < 210
    again = read_record(path)
    assert again.shape == rec.shape
    assert (again.status, again.media_type, again.request) == (200, "application/json", rec.request)


def test_record_from_an_httpx_response() -> None:
    response = httpx.Response(
        201, json={"id": 3}, headers={"content-type": "application/json; charset=utf-8"}
    )
    rec = ResponseRecord.from_response(response)
    assert (rec.status, rec.media_type) == (201, "application/json")
    assert rec.shape == infer_shape({"id": 0})
    text = ResponseRecord.from_response(
        httpx.Response(200, text="<html>", headers={"content-type": "text/html"})
    )
    assert (text.media_type, text.shape) == ("text/html", None)
    empty = ResponseRecord.from_response(httpx.Response(204))
    assert (empty.status, empty.media_type, empty.shape) == (204, None, None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "expected a JSON object"),
        ('{"status": "200", "shape": null}', "'status' must be a number"),
        ('{"status": 200, "shape": {"type": "weird"}}', "shape"),
        ('{"version": 99, "status": 200}', "version 99"),
    ],
)
def test_corrupt_records_name_the_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SnapshotError, match=message) as caught:
        read_record(path)
    assert str(path) in str(caught.value)


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


def test_a_rewrite_with_only_new_values_is_a_refresh(tmp_path: Path) -> None:
    write_snapshot(tmp_path, SPEC, {"a": record({"x": 1})})
    changes = write_snapshot(
        tmp_path, SPEC, {"a": record({"x": 2})}, previous=load_snapshot(tmp_path)
    )
    assert (changes.spec, changes.refreshed, changes.changed) == ("unchanged", ["a"], [])


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
    write_snapshot(directory, spec("0"), {"p": record({"gen": "0"})})
    errors: list[str] = []

    def writer(generation: int) -> None:
        for round_ in range(5):
            gen = f"{generation}-{round_}"
            names = {f"p{i}": record({"gen": gen}) for i in range(generation % 3 + 1)}
            write_snapshot(directory, spec(gen), names)

    def reader() -> None:
        for _ in range(40):
            snap = load_snapshot(directory)
            assert snap.spec is not None
            gen = snap.spec["info"]["version"]
            for name, rec in snap.records.items():
                if rec.sample != {"gen": gen}:
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
