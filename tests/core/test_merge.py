"""`driftguard merge`: JSON reports into one, causes recomputed, bad files refused by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from driftguard import Finding, Report, Severity, UsageError
from driftguard.cli import main
from driftguard.findings import RunInfo
from driftguard.merge import load_report, merge_reports


def crash(operation: str, severity: Severity = Severity.BREAKING) -> Finding:
    return Finding(
        "server-error",
        severity,
        "fuzz",
        operation,
        "exception ZeroDivisionError in price",
        "the app raised ZeroDivisionError",
        {"reproduce": f"curl http://127.0.0.1:8000{operation.split()[1]}",
         "request": {"method": operation.split()[0], "path": operation.split()[1]}},
    )  # fmt: skip


def fuzz_report(*findings: Finding, seed: int = 7, shard: str | None = None) -> Report:
    run = RunInfo(
        target="shop.main:app",
        started=datetime(2026, 12, 1, 7, 0, tzinfo=UTC) if shard != "2/2" else None,
        seconds=3.0 if shard == "1/2" else 5.0,
        notes=[f"{len(findings)} operations, 10 requests in 1.0s, seed {seed}"],
        seed=seed,
        requests=10,
        operations=sorted({f.operation or "" for f in findings}),
        shard=shard,
    )
    return Report("fuzz", findings, run=run)


def test_findings_are_deduplicated_by_fingerprint_and_causes_recomputed() -> None:
    first = fuzz_report(crash("POST /orders"), crash("POST /quotes", Severity.WARNING), shard="1/2")
    second = fuzz_report(crash("POST /quotes"), crash("POST /carts"), shard="2/2")
    merged = merge_reports([("a.json", first), ("b.json", second)])
    assert [(f.operation, f.severity) for f in merged.findings] == [
        ("POST /carts", Severity.BREAKING),
        ("POST /orders", Severity.BREAKING),
        ("POST /quotes", Severity.BREAKING),  # the more severe of the two
    ]
    (cause,) = merged.causes  # one exception in one function: one cause, three operations
    assert cause.operations == ["POST /carts", "POST /orders", "POST /quotes"]
    assert merged.summary == {"breaking": 3, "warning": 0, "info": 0}
    assert merged.cause_summary == {"breaking": 1, "warning": 0, "info": 0}
    assert merged.command == "fuzz"
    run = merged.run
    assert (run.target, run.seed, run.requests, run.seconds) == ("shop.main:app", 7, 20, 5.0)
    assert run.started == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert run.operations == ["POST /orders", "POST /quotes", "POST /carts"]
    assert run.notes == [
        "merged 2 reports: a.json (fuzz, shard 1/2); b.json (fuzz, shard 2/2) (4 findings in all)",
        "all 2 shards of the run",
        "2 operations, 10 requests in 1.0s, seed 7",
    ]


def test_reports_of_different_seeds_merge_without_a_seed_and_say_which_is_which() -> None:
    merged = merge_reports(
        [("a.json", fuzz_report(crash("POST /a"), seed=1, shard="1/3")),
         ("b.json", fuzz_report(crash("POST /b"), seed=2, shard="3/3"))]
    )  # fmt: skip
    assert merged.run.seed is None
    assert merged.run.notes[0].startswith(
        "merged 2 reports: a.json (fuzz, shard 1/3, seed 1); b.json (fuzz, shard 3/3, seed 2)"
    )
    assert merged.run.notes[1] == "incomplete: shard(s) 2/3 of this run were not given"


def test_reports_of_different_commands_merge_as_a_merge_report() -> None:
    schema = Finding("endpoint-added", Severity.INFO, "schema", "GET /b", "", "endpoint added")
    diff = Report("diff", [schema], run=RunInfo(target="new.json", baseline="old.json"))
    merged = merge_reports([("diff.json", diff), ("fuzz.json", fuzz_report(crash("POST /a")))])
    assert merged.command == "merge"
    assert merged.run.target == "new.json, shop.main:app"
    assert merged.run.baseline == "old.json"
    assert [f.id for f in merged.findings] == ["endpoint-added", "server-error"]  # by operation
    assert merged.run.requests == 10


def test_nothing_to_merge_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="at least one report"):
        merge_reports([])


def write(path: Path, report: Report) -> str:
    path.write_text(report.to_json(), encoding="utf-8")
    return str(path)


def test_a_report_reads_back_as_it_was_written(tmp_path: Path) -> None:
    report = fuzz_report(crash("POST /orders"), crash("POST /quotes"), shard="1/2")
    loaded = load_report(write(tmp_path / "r.json", report))
    assert loaded.to_dict() == report.to_dict()


def test_merge_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a.json", fuzz_report(crash("POST /a", Severity.WARNING), shard="1/2"))
    b = write(tmp_path / "b.json", fuzz_report(crash("POST /b", Severity.WARNING), shard="2/2"))
    assert main(["merge", a, b]) == 0  # warnings: below the default --fail-on
    out = capsys.readouterr().out
    assert out.startswith("driftguard fuzz: shop.main:app\n")
    assert "0 breaking, 2 warning, 0 info" in out
    assert main(["merge", a, b, "--fail-on", "warning", "--show", "breaking"]) == 1
    assert "server-error" not in capsys.readouterr().out  # shown from breaking up: none
    output = tmp_path / "merged.json"
    assert main(["merge", a, b, "--format", "json", "--output", str(output)]) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    assert [f["operation"] for f in data["findings"]] == ["POST /a", "POST /b"]
    assert data["summary"]["causes"] == {"breaking": 0, "warning": 1, "info": 0}
    assert data["run"]["operations"] == ["POST /a", "POST /b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the report: No such file or directory"),
        ("{not json", "not a JSON report: JSONDecodeError"),
        ('{"tool": "oasdiff"}', "not a driftguard JSON report (--format json)"),
        ('{"tool": "driftguard", "command": "fuzz"}', "not a valid driftguard report at /: "),
    ],
)
def test_a_bad_file_is_exit_2_with_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    good = write(tmp_path / "good.json", fuzz_report(crash("POST /a")))
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["merge", good, str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"error: {bad}: {message}")


def test_a_finding_without_its_fields_is_refused_where_it_is(tmp_path: Path) -> None:
    data = fuzz_report(crash("POST /a")).to_dict()
    del data["findings"][0]["severity"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        UsageError, match=r"broken.json: not a valid driftguard report at /findings/0: "
    ):
        load_report(path)
