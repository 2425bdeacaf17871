"""Recorded responses that contradict a schema finding's risk lower it, and say why."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from driftguard import Report, Severity, check
from driftguard.snapshots.record import ResponseRecord
from driftguard.snapshots.store import write_snapshot

USER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "nickname", "bio"],
    "properties": {
        "id": {"type": "integer"},
        "nickname": {"type": "string"},
        "bio": {"type": "string", "maxLength": 65536},
        "score": {"type": "integer", "maximum": 1_000_000},
    },
}


def document(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "users", "version": "1"},
        "paths": {
            "/users/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "a user",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/User"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"User": user}},
    }


def check_loosened(tmp_path: Path, answered: dict[str, Any]) -> Report:
    """Snapshot USER with one recorded answer, then check a document in which ``nickname``
    may be null, ``bio`` has no maxLength and ``score`` a higher maximum."""
    recorded = ResponseRecord.from_json(
        answered, status=200, request={"method": "GET", "path": "/users/1"}
    )
    write_snapshot(tmp_path / "snaps", document(USER), {"get-user": recorded})
    loosened = copy.deepcopy(USER)
    loosened["properties"]["nickname"] = {"type": ["string", "null"]}
    del loosened["properties"]["bio"]["maxLength"]
    loosened["properties"]["score"]["maximum"] = 5_000_000
    new = tmp_path / "new.json"
    new.write_text(json.dumps(document(loosened)))
    return check(str(new), snapshots=tmp_path / "snaps")


def test_a_field_the_recorded_responses_already_carried_null_for_is_no_breaking_change(
    tmp_path: Path,
) -> None:
    report = check_loosened(tmp_path, {"id": 1, "nickname": None, "bio": "likes tea", "score": 42})
    by_id = {f.id: f for f in report.findings}
    nullable = by_id["response-property-became-nullable"]
    assert nullable.severity is Severity.INFO
    assert nullable.details["evidence"] == (
        "the recorded responses of get-user already carried null for nickname"
    )
    unbounded = by_id["response-property-max-length-unset"]
    assert unbounded.severity is Severity.WARNING
    assert "9 characters, far inside the old bound 65536" in unbounded.details["evidence"]
    bigger = by_id["response-property-max-increased"]
    assert bigger.severity is Severity.WARNING
    assert "at most 42" in bigger.details["evidence"]


def test_without_contradicting_evidence_the_schemas_verdict_stands(tmp_path: Path) -> None:
    answered = {"id": 1, "nickname": "ada", "bio": "x" * 60000, "score": 999_999}
    report = check_loosened(tmp_path, answered)
    for finding in report.findings:
        assert "evidence" not in finding.details, finding
    assert {f.severity for f in report.findings} == {Severity.BREAKING}
