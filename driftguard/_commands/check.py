"""`driftguard check`: the CI gate. The OpenAPI document and every probe's live response
against the snapshot, in one run and one report.

``--update`` rewrites the snapshot from what the target answers now, and is refused when
``CI`` is set unless ``--force``: a CI run must never bless its own drift. A corrupt
snapshot stops the run (exit 2) before anything is sent or written.
"""

from __future__ import annotations

import argparse
from typing import Any

from driftguard._commands.snapshot import expanded_headers, live_target, record_probes, snapshot_dir
from driftguard._errors import LoadError, SnapshotError, UsageError
from driftguard.findings import FailOn, Finding, Report

__all__ = ["check", "run"]


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.snapshots.store import ci_is_set

    if args.update and ci_is_set() and not args.force:
        raise UsageError(
            "--update is refused while CI is set: a CI run must not rewrite its own snapshot "
            "(pass --force to do it anyway)"
        )
    report = check(args, config)
    if args.update:
        args.fail_on = FailOn(None)  # the drift shown has just become the new baseline
    return report


def check(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.openapi.compare import diff_specs
    from driftguard.shapes import PathMatcher, compare_response
    from driftguard.snapshots.probes import collect_probes
    from driftguard.snapshots.store import load_snapshot, write_snapshot
    from driftguard.targets import load_spec

    target = live_target(args, config)
    directory = snapshot_dir(args, config)
    snapshot = load_snapshot(directory)
    old_spec = _checked_snapshot_spec(snapshot)
    new_spec = load_spec(
        target,
        allow_remote_refs=config.allow_remote_refs,
        timeout=config.timeout,
        headers=expanded_headers(config),
    )
    notes: list[str] = []
    findings: list[Finding] = []
    if old_spec is not None:
        findings.extend(diff_specs(old_spec, new_spec).findings)
        notes.append(f"OpenAPI document compared with {directory / 'openapi.json'}")
    else:
        notes.append(f"{directory} holds no openapi.json: the document was not compared")

    live: dict[str, Any] = {}
    operations: set[str] = set()
    if target.is_live:
        probes, probe_notes = collect_probes(
            config, probes_file=args.probes, spec=new_spec, snapshot=snapshot
        )
        notes.extend(probe_notes)
        live = record_probes(target, probes, config, args)
        new_index, old_index = _index(new_spec), _index(old_spec)
        ignore = PathMatcher(config.ignore)
        compared = 0
        for probe in probes:
            found = new_index.find(probe.method, probe.path) or (
                old_index.find(probe.method, probe.path) if old_index else None
            )
            operation = found.label if found is not None else probe.label
            operations.add(operation)
            recorded = snapshot.records.get(probe.name)
            if recorded is None:
                notes.append(
                    f"new probe {probe.name} ({probe.label}) has no snapshot yet: "
                    "'driftguard check --update' records it"
                )
                continue
            compared += 1
            drift = compare_response(
                recorded, live[probe.name], probe=probe.name, operation=operation, ignore=ignore
            )
            findings.extend(drift.findings)
        notes.insert(0, f"{len(probes)} probe(s) sent to {target}, {compared} compared")
    elif snapshot.records:
        notes.append(f"{target} is a document, not a live service: no probe was replayed")

    if args.update:
        # A document target sends no probe: its update keeps the recorded responses.
        records = live if target.is_live else dict(snapshot.records)
        changes = write_snapshot(directory, new_spec, records, previous=snapshot)
        notes.extend(["snapshot updated:", *(f"  {line}" for line in changes.lines())])
    title = f"driftguard check: {target} against {directory}/"
    return Report(
        "check",
        findings,
        meta={
            "title": title,
            "notes": [] if args.quiet else notes,
            "operations": sorted(operations),
        },
    )


def _checked_snapshot_spec(snapshot: Any) -> dict[str, Any] | None:
    if snapshot.spec is None:
        return None
    from driftguard.openapi.load import check_openapi

    where = str(snapshot.directory / "openapi.json")
    try:
        return check_openapi(snapshot.spec, where=where)
    except LoadError as exc:
        raise SnapshotError(f"corrupt snapshot: {exc}") from None


def _index(spec: dict[str, Any] | None) -> Any:
    from driftguard.openapi.document import Spec

    return None if spec is None else Spec(spec)
