"""Stateful checks: stored writes that break the reads serving them, and real ids followed.

Every planted app of tests/fuzzing/stateful_apps.py (real SQLite files in tmp dirs) gives
exactly its findings at default settings, the same with the same seed twice (in-process and
over real HTTP under uvicorn), its controls none. Every reproduction is executed with curl by
tests/fuzzing/test_reproduce_runs.py.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from driftguard import Report, Severity, fuzz
from driftguard.fuzzing.stateful import MAX_REREADS, Read, kinds, reads_of
from driftguard.fuzzing.transport import Request
from tests.documents import run
from tests.fuzzing import stateful_apps
from tests.fuzzing.stateful_apps import STATEFUL_PLANTED, STORED, StatefulPlanted
from tests.servers import serve

SEED = 11


def keys(report: Report) -> set[tuple[str, str | None, str]]:
    return {(f.id, f.operation, f.location) for f in report.findings}


def stateful_requests(report: Report) -> int:
    """The requests the stateful checks added, from the run's note."""
    assert report.run is not None
    for note in report.run.notes:
        match = re.match(r"stateful checks: (\d+) of the (\d+) requests", note)
        if match:
            return int(match.group(1))
    return 0


@pytest.mark.parametrize("planted", STATEFUL_PLANTED, ids=lambda p: p.app.__name__)
def test_found_at_default_settings_the_same_twice(planted: StatefulPlanted, tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "again").mkdir()
    first = fuzz(planted.app(tmp_path / "first"), seed=SEED)
    assert keys(first) == planted.findings, first.to_json()
    assert [f for f in first.findings if f.operation in planted.controls] == []
    again = fuzz(planted.app(tmp_path / "again"), seed=SEED)
    assert [(f.fingerprint, f.details["reproduce"]) for f in again.findings] == [
        (f.fingerprint, f.details["reproduce"]) for f in first.findings
    ]
    assert 0 < stateful_requests(first) == stateful_requests(again)


@pytest.mark.slow
@pytest.mark.parametrize("planted", STATEFUL_PLANTED, ids=lambda p: p.app.__name__)
def test_the_same_over_real_http_twice(planted: StatefulPlanted, tmp_path: Path) -> None:
    reports = []
    for name in ("first", "again"):
        (tmp_path / name).mkdir()
        with serve(planted.app(tmp_path / name)) as url:
            reports.append(fuzz(url, seed=SEED, allow_unsafe=True))  # our own service
    first, again = reports
    over_http = {
        (rule, operation, "response 500" if rule == "server-error" else location)
        for rule, operation, location in planted.findings
    }
    assert keys(first) == over_http, first.to_json()
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in first.findings]
    assert 0 < stateful_requests(first) == stateful_requests(again)


def test_infinity_stored_breaks_the_list_for_everyone(tmp_path: Path) -> None:
    report = fuzz(stateful_apps.sensor_log(tmp_path), seed=SEED)
    found = {f.location: f for f in report.findings if f.id == STORED}
    listed = found["read GET /readings"]
    assert listed.severity is Severity.BREAKING
    assert listed.operation == "POST /readings"  # on the write that stored it
    assert listed.details["read"] == "GET /readings"
    assert "ValueError: Out of range float values are not JSON compliant" in listed.message
    # details.request is the write; the reproduction sends it, then the read
    assert listed.details["request"]["method"] == "POST"
    write, read = listed.details["reproduce"].split(" && ")
    assert write.startswith("curl -X POST http://127.0.0.1:8000/readings ")
    assert "1e400" in write or "Infinity" in write
    assert read == "curl http://127.0.0.1:8000/readings"
    # the resource's own read breaks its schema instead: Pydantic writes infinity as null
    item = found["read GET /readings/{reading_id}"]
    assert item.details["status"] == 200
    assert item.details["response"]["status"] == 200
    assert '/value: null is not of type "number"' in item.message
    # the id comes from the write's answer when the chain runs, so it runs on a fresh service
    create, read = item.details["reproduce"].split(" && ")
    assert create.startswith("CREATED_ID=$(curl -q -sS -X POST http://127.0.0.1:8000/readings ")
    assert create.endswith(
        """ | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"""
    )
    assert read == 'curl "http://127.0.0.1:8000/readings/${CREATED_ID}"'


def test_nan_stored_as_null_breaks_the_resources_read(tmp_path: Path) -> None:
    report = fuzz(stateful_apps.lab_notebook(tmp_path), seed=SEED)
    (finding,) = [f for f in report.findings if f.id == STORED]
    assert math.isnan(finding.details["request"]["body"]["value"])
    assert "--data-raw '{\"value\": NaN}'" in finding.details["reproduce"]
    assert "ValidationError" in finding.message


def test_a_crash_only_a_real_id_reaches_is_found_through_the_create(tmp_path: Path) -> None:
    report = fuzz(stateful_apps.helpdesk(tmp_path), seed=SEED)
    (crash,) = report.findings
    assert crash.details["exception"]["type"] == "AttributeError"
    create, read = crash.details["reproduce"].split(" && ")
    assert create.startswith("CREATED_ID=$(curl -q -sS -X POST http://127.0.0.1:8000/tickets ")
    assert read == 'curl "http://127.0.0.1:8000/tickets/${CREATED_ID}"'
    assert re.fullmatch(r"/tickets/[0-9a-f]{16}", crash.details["request"]["path"])
    assert crash.details["generation"].startswith("probe")


def test_a_put_that_breaks_the_read_is_reproduced_create_put_read(tmp_path: Path) -> None:
    report = fuzz(stateful_apps.task_board(tmp_path), seed=SEED)
    (finding,) = report.findings
    create, put, read = finding.details["reproduce"].split(" && ")
    assert create.startswith("CREATED_ID=$(curl -q -sS -X POST http://127.0.0.1:8000/tasks ")
    assert put.startswith('curl -X PUT "http://127.0.0.1:8000/tasks/${CREATED_ID}" ')
    assert read == 'curl "http://127.0.0.1:8000/tasks/${CREATED_ID}"'
    assert finding.details["request"]["body"] == {"title": "0", "priority": 1000}
    assert "KeyError: 1000" in finding.message


def test_the_reads_of_a_write_are_its_resources_get_and_the_list(tmp_path: Path) -> None:
    spec = stateful_apps.sensor_log(tmp_path).openapi()
    assert reads_of(spec, "POST /readings") == [
        Read("GET /readings/{reading_id}", "reading_id"),
        Read("GET /readings"),
    ]
    assert reads_of(spec, "GET /readings") == []
    (tmp_path / "board").mkdir()
    board = stateful_apps.task_board(tmp_path / "board").openapi()
    assert reads_of(board, "PUT /tasks/{task_id}") == [Read("GET /tasks/{task_id}", "task_id")]
    needs_query = {
        "paths": {
            "/logs/": {
                "post": {},
                "get": {"parameters": [{"name": "day", "in": "query", "required": True}]},
            }
        }
    }
    assert reads_of(needs_query, "POST /logs/") == []  # nobody can fill `day`


def test_kinds_of_value_tell_the_edges_apart() -> None:
    body = b'{"value": 1e400, "name": "a\\u0000b", "n": NaN, "tags": [], "p": 1000, "q": 2}'
    request = Request("POST", "http://t/x?limit=", (), body)
    assert kinds(request) == {
        ("query limit", "empty text"),
        ("body /value", "infinity"),
        ("body /name", "text with NUL"),
        ("body /n", "NaN"),
        ("body /tags", "empty list"),
        ("body /p", "+4 digits"),
        ("body /q", "+1 digits"),
    }
    assert kinds(Request("POST", "http://t/x", (), b"\x00not json")) == {("body", "not JSON")}


def test_the_cost_is_bounded_and_a_correct_app_gives_nothing(tmp_path: Path) -> None:
    report = fuzz(stateful_apps.survey(tmp_path), seed=SEED)
    assert report.findings == [], report.to_json()
    # one baseline list read, two reads for at most MAX_REREADS writes, one create and GET
    assert MAX_REREADS <= stateful_requests(report) <= 1 + 2 * MAX_REREADS + 2


def test_the_checks_command_lists_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["checks", "--format", "json"], capsys)
    (entry,) = [e for e in json.loads(out) if e["id"] == STORED]
    assert code == 0
    assert (entry["severity"], entry["source"], entry["area"]) == ("breaking", "fuzz", "stateful")
