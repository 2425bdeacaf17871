"""Runs split for scale: shards whose union is the whole run, workers with one process's
findings, and the reports of both merged into one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from driftguard import Report, UsageError, fuzz
from driftguard.formats.json import report_schema
from driftguard.fuzzing.progress import FuzzProgress
from driftguard.merge import load_report, merge_reports
from tests.conftest import ROOT
from tests.fuzzing.scale_apps import DEFECTS, shop
from tests.processes import left_running, wait_for_children

SHOP = "tests.fuzzing.scale_apps:shop_app"
SEED = 5


def found(report: Report) -> list[tuple[Any, ...]]:
    """What a finding is, whichever process found it: everything but the response, whose
    server-assigned values (an id) depend on what the app was sent before."""
    return [
        (
            f.fingerprint,
            f.id,
            f.severity,
            f.operation,
            f.location,
            f.message,
            json.dumps(f.details["request"], sort_keys=True),
            f.details["reproduce"],
        )
        for f in report.findings
    ]


def causes(report: Report) -> list[tuple[str, str, list[str]]]:
    return [(c.key, c.id, sorted(f.fingerprint for f in c.findings)) for c in report.causes]


@pytest.fixture(scope="module")
def whole() -> Report:
    """The run in one process, on a fresh app (``shop_app`` keeps what earlier runs stored;
    a worker process imports its own)."""
    return fuzz(shop(), seed=SEED, max_examples=5)


def test_the_whole_run_finds_every_planted_defect(whole: Report) -> None:
    assert set(DEFECTS) <= {(f.id, f.operation, f.location) for f in whole.findings}
    assert len(whole.run.operations) == 40


def test_the_shards_together_find_what_the_whole_run_finds(whole: Report) -> None:
    shards = [fuzz(shop(), seed=SEED, max_examples=5, shard=f"{i}/3") for i in (1, 2, 3)]
    taken = []
    for index, report in enumerate(shards, start=1):
        assert report.run.shard == f"{index}/3"
        (note,) = [n for n in report.run.notes if n.startswith(f"shard {index}/3: ")]
        taken.append(int(note.split(": ")[1].split(" of ")[0]))
        assert note.endswith("of 40 operations (whole resources, chosen by a hash of their path)")
        assert len(report.run.operations) == taken[-1]
    assert sum(taken) == 40
    assert sorted(op for r in shards for op in r.run.operations) == sorted(whole.run.operations)
    # each shard finds the causes of its operations; a cause of the whole app (FastAPI's 422
    # handler crashing on a lone surrogate it echoes) is found by every shard, and merged once
    union = sorted(item for report in shards for item in found(report) if item[3] is not None)
    assert union == sorted(item for item in found(whole) if item[3] is not None)
    assert None in [f.operation for f in whole.findings]

    merged = merge_reports([(f"shard{i}.json", r) for i, r in enumerate(shards, start=1)])
    assert found(merged) == found(whole)
    assert causes(merged) == causes(whole)
    assert merged.summary == whole.summary
    assert merged.run.requests == sum(r.run.requests or 0 for r in shards)
    assert merged.run.seed == SEED
    assert "all 3 shards of the run" in merged.run.notes


def test_two_workers_find_what_one_process_finds(whole: Report) -> None:
    seen: list[FuzzProgress] = []
    report = fuzz(SHOP, seed=SEED, max_examples=5, workers=2, progress=seen.append)
    assert found(report) == found(whole)
    assert causes(report) == causes(whole)
    assert report.run.operations == whole.run.operations
    assert report.run.requests == whole.run.requests
    assert report.run.successes == whole.run.successes
    assert report.run.notes[0].endswith(f"seed {SEED}, 2 workers")
    assert {p.total for p in seen} == {40}
    assert max(p.done for p in seen) == 40
    assert seen[-1].finished


def test_workers_share_the_time_budget() -> None:
    started = time.monotonic()
    report = fuzz(SHOP, seed=1, max_examples=100_000, time_budget=4, workers=2)
    assert time.monotonic() - started < 30
    assert any("time budget of 4s" in note for note in report.run.notes)


def test_workers_need_a_target_a_process_can_open() -> None:
    with pytest.raises(UsageError, match="--workers needs a module:attr or http"):
        fuzz(shop(), workers=2)
    with pytest.raises(UsageError, match="workers must be at least 1"):
        fuzz(SHOP, workers=0)


def test_one_resource_needs_no_second_worker() -> None:
    report = fuzz("tests.fuzzing.apps:notes", seed=2, max_examples=3, workers=4)
    # and FastAPI's 422 handler crashing on a lone surrogate it echoes, a cause of the whole app
    assert [f.id for f in report.findings] == ["server-error", "resource-available-after-delete"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftguard.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_a_worker_that_cannot_start_ends_the_run_with_one_error_line() -> None:
    result = cli("fuzz", "tests.fuzzing.fragile_app:fragile_app", "--workers", "2")
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: tests.fuzzing.fragile_app:fragile_app: ")
    assert "this app starts once per machine" in line


def test_ctrl_c_stops_every_worker_and_says_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "driftguard.cli",
            "fuzz",
            SHOP,
            "--workers",
            "2",
            "--max-examples",
            "100000",
            "--seed",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)  # the workers are fuzzing by now
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert out == ""
    assert err == "error: interrupted\n"


DRIFTGUARD_FUZZ = (sys.executable, "-m", "driftguard.cli", "fuzz")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_end_when_the_run_is_killed_outright() -> None:
    process = subprocess.Popen(
        [*DRIFTGUARD_FUZZ, SHOP, "--workers", "2", "--max-examples", "100000", "--seed", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = wait_for_children(process, 2)
    assert len(workers) == 2
    process.kill()  # no __exit__ runs: the workers must notice by themselves
    process.wait()
    assert not left_running(workers), "orphaned fuzz workers kept running"


def test_bad_shard_and_workers_values_exit_2_with_one_error_line() -> None:
    for args, expected in [
        (("--shard", "4/3"), "argument --shard: '4/3': I must be between 1 and N (got 4/3)"),
        (("--shard", "two"), "argument --shard: 'two' is not I/N"),
        (("--workers", "0"), "argument --workers: '0' must be at least 1"),
        (("--replay", "r.json", "--shard", "1/2"), "--shard is for fuzzing"),
    ]:
        result = cli("fuzz", SHOP, *args)
        assert result.returncode == 2, (args, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line.startswith("error: "), line
        assert expected in line, line


def test_shard_reports_merge_on_the_command_line(tmp_path: Path) -> None:
    paths = []
    for index in (1, 2):
        path = tmp_path / f"shard-{index}.json"
        result = cli(
            "fuzz", "tests.fuzzing.apps:gaps", "--seed", "4", "--max-examples", "3",
            "--shard", f"{index}/2", "--format", "json", "--output", str(path),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        paths.append(str(path))
    whole = cli("fuzz", "tests.fuzzing.apps:gaps", "--seed", "4", "--max-examples", "3")
    merged = cli("merge", *paths, "--format", "json", "--fail-on", "warning")
    assert merged.returncode == 1, merged.stderr
    data = json.loads(merged.stdout)
    jsonschema_rs.validator_for(report_schema()).validate(data)
    assert data["command"] == "fuzz"
    assert data["run"]["seed"] == 4
    assert sorted(data["run"]["operations"]) == sorted(
        ["GET /accepted", "GET /readme", "GET /traced", "GET /checked"]
    )
    assert [(f["id"], f["operation"]) for f in data["findings"]] == [
        ("undocumented-status-code", "GET /accepted"),
        ("undocumented-content-type", "GET /readme"),
        ("missing-required-header-accepted", "GET /traced"),
    ]
    assert data["summary"] == {
        "breaking": 0, "warning": 3, "info": 0,
        "causes": {"breaking": 0, "warning": 3, "info": 0},
    }  # fmt: skip
    assert whole.returncode == 0
    reloaded = load_report(paths[0])
    assert reloaded.run.shard == "1/2"
    assert reloaded.to_dict() == json.loads(Path(paths[0]).read_text(encoding="utf-8"))
