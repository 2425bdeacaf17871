"""``driftguard merge``: JSON reports of several runs as one report.

Made for the shards of one fuzz run (``--shard I/N`` in a CI matrix), and good for any
``--format json`` reports (diff, check, fuzz). The merged report is built from the findings
alone, like any report: findings are deduplicated by fingerprint (:func:`deduplicated`: of two
with one fingerprint the more severe is kept, of equals the one a single run would have kept,
and a cause of the whole app lists the operations of both), their causes are recomputed by the one
cause logic (:mod:`driftguard.causes`), and the summary is counted again.

What the runs were is combined: the targets (one, or each listed once), the earliest start,
the longest duration (shards run side by side), the requests added up, the operations of
every run in order, and every note kept, after a first one that names each file. A seed is
kept when every fuzz run had the same one. Fuzz reports of different seeds merge as well:
each operation's requests depend on its seed and its label only, so each shard stays
repeatable with the seed it ran with; the merged report then has no ``seed``, and the first
note says which file ran with which. The shards of one run are checked for completeness: a
note names the shards that are missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from driftguard._errors import UsageError, one_line
from driftguard.findings import Finding, RunInfo
from driftguard.fuzzing.evidence import origin_rank
from driftguard.report import Report

__all__ = ["deduplicated", "load_report", "merge_reports", "read_report_data"]


def read_report_data(path: str | Path) -> Mapping[str, Any]:
    """The JSON object of a driftguard report file, or a :class:`UsageError` naming it."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{where}: cannot read the report: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"{where}: not a JSON report: {one_line(exc)}") from None
    if not isinstance(data, Mapping) or data.get("tool") != "driftguard":
        raise UsageError(f"{where}: not a driftguard JSON report (--format json)")
    return data


def load_report(path: str | Path) -> Report:
    """A ``--format json`` report read back as the :class:`Report` it was written from."""
    data = read_report_data(path)
    import jsonschema_rs

    from driftguard.formats.json import report_schema

    error = next(iter(jsonschema_rs.validator_for(report_schema()).iter_errors(data)), None)
    if error is not None:
        at = "/" + "/".join(str(step) for step in error.instance_path)
        raise UsageError(f"{path}: not a valid driftguard report at {at}: {error.message}")
    return Report.from_dict(data)


def merge_reports(reports: Sequence[tuple[str, Report]]) -> Report:
    """``(name, report)`` pairs as one report (see the module's docstring)."""
    if not reports:
        raise UsageError("merge needs at least one report")
    kept = deduplicated(finding for _, report in reports for finding in report.findings)
    runs = [report.run for _, report in reports]
    commands = list(dict.fromkeys(report.command for _, report in reports))
    command = commands[0] if len(commands) == 1 else "merge"
    info = RunInfo(
        target=_joined(run.target for run in runs),
        baseline=_joined(run.baseline for run in runs),
        started=min((run.started for run in runs if run.started), default=None),
        seconds=max((run.seconds for run in runs if run.seconds is not None), default=None),
    )
    fuzzed = [run for run in runs if run.requests is not None]
    if fuzzed:
        info.requests = sum(run.requests or 0 for run in fuzzed)
        seeds = {run.seed for run in fuzzed}
        info.seed = seeds.pop() if len(seeds) == 1 else None
    info.operations = list(dict.fromkeys(op for run in runs for op in run.operations))
    info.notes = [_what_was_merged(reports, fuzzed), *_shard_note(runs)]
    info.notes += dict.fromkeys(note for run in runs for note in run.notes)
    return Report(command, kept, run=info)


def deduplicated(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per fingerprint, whichever runs (shards, workers) found it.

    The more severe wins; of equals, the one with the evidence a single run prefers (a
    coverage case before a scenario before a Hypothesis example, then the shorter request, as
    :class:`~driftguard.fuzzing.evidence.Collector` ranks them), so that the shards of a run
    show what the whole run shows. A cause of the whole app (``details.operations``) lists
    every operation any of them saw it on.
    """
    kept: dict[str, Finding] = {}
    for finding in findings:
        current = kept.get(finding.fingerprint)
        if current is None:
            kept[finding.fingerprint] = finding
            continue
        better = finding if _preferred(finding) < _preferred(current) else current
        seen = [current.details.get("operations"), finding.details.get("operations")]
        if all(isinstance(operations, list) for operations in seen):
            union = sorted({str(op) for operations in seen for op in operations or ()})
            better = replace(better, details={**better.details, "operations": union})
        kept[finding.fingerprint] = better
    return list(kept.values())


def _preferred(finding: Finding) -> tuple[int, int, int, str]:
    generation = str(finding.details.get("generation", "")).split(" ", 1)[0]
    request = finding.details.get("request")
    text = json.dumps(request, sort_keys=True) if isinstance(request, Mapping) else ""
    return (-finding.severity.rank, origin_rank(generation), len(text), text)


def _joined(values: Any) -> str | None:
    distinct = list(dict.fromkeys(value for value in values if value))
    return ", ".join(distinct) if distinct else None


def _what_was_merged(reports: Sequence[tuple[str, Report]], fuzzed: list[RunInfo]) -> str:
    seeds = {run.seed for run in fuzzed}
    parts = []
    for name, report in reports:
        run = report.run
        about = [report.command]
        if run.shard:
            about.append(f"shard {run.shard}")
        if len(seeds) > 1 and run.seed is not None:
            about.append(f"seed {run.seed}")
        parts.append(f"{name} ({', '.join(about)})")
    found = sum(len(report.findings) for _, report in reports)
    return f"merged {len(reports)} reports: {'; '.join(parts)} ({found} findings in all)"


def _shard_note(runs: list[RunInfo]) -> list[str]:
    """A note naming the missing shards, when shards of one split were merged."""
    shards = [run.shard for run in runs if run.shard]
    if not shards:
        return []
    counts = {shard.split("/")[1] for shard in shards}
    if len(counts) > 1:
        return [f"shards of different splits were merged: {', '.join(sorted(set(shards)))}"]
    count = int(counts.pop())
    missing = [f"{i}/{count}" for i in range(1, count + 1) if f"{i}/{count}" not in shards]
    if missing:
        return [f"incomplete: shard(s) {', '.join(missing)} of this run were not given"]
    return [f"all {count} shards of the run"]
