"""The response record: what a snapshot file holds for one probe, never a secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from driftguard import SnapshotError
from driftguard._redact import REDACTED, redact
from driftguard.shapes import infer_shape
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import (
    read_record,
    write_record,
)


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
