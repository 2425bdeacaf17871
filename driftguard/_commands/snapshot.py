"""`driftguard snapshot`: record TARGET's OpenAPI document and its probes' response shapes.

The directory is replaced in one step (see :mod:`driftguard.snapshots`), and the command says
what it created, replaced and removed: a snapshot is never overwritten silently. A corrupt
existing snapshot, or an existing one under ``CI``, is only replaced with ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from driftguard._errors import DriftguardError, SnapshotError

__all__ = ["live_target", "progress_printer", "record_probes", "run", "snapshot_dir"]


def live_target(args: argparse.Namespace, config: Any) -> Any:
    from driftguard.targets import resolve_target

    return resolve_target(
        args.target or config.target, spec_url=getattr(args, "spec_url", None) or config.spec_url
    )


def snapshot_dir(args: argparse.Namespace, config: Any) -> Path:
    return Path(args.dir) if args.dir else config.snapshot_dir


def expanded_headers(config: Any) -> dict[str, str]:
    return dict(config.request_headers().values)


def progress_printer(args: argparse.Namespace) -> Any:
    """Progress on stderr when it is a terminal and not ``--quiet``; otherwise nothing."""
    if args.quiet or not sys.stderr.isatty():
        return None

    def show(index: int, total: int, probe: Any) -> None:
        end = "\n" if index == total else ""
        sys.stderr.write(f"\r\x1b[2K[{index}/{total}] {probe.name}: {probe.label}{end}")
        sys.stderr.flush()

    return show


def record_probes(target: Any, probes: list[Any], config: Any, args: argparse.Namespace) -> Any:
    from driftguard.snapshots.probes import run_probes

    return run_probes(
        target,
        probes,
        headers=expanded_headers(config),
        timeout=config.timeout,
        ignore=config.ignore,
        progress=progress_printer(args),
    )


def run(args: argparse.Namespace, config: Any) -> int:
    from driftguard.snapshots.probes import collect_probes
    from driftguard.snapshots.store import ci_is_set, load_snapshot, write_snapshot
    from driftguard.targets import load_spec

    target = live_target(args, config)
    directory = snapshot_dir(args, config)
    previous = None
    if _has_snapshot(directory):
        if ci_is_set() and not args.force:
            raise SnapshotError(
                f"{directory}: refusing to replace the snapshot while CI is set "
                "(pass --force to replace it anyway)"
            )
        try:
            previous = load_snapshot(directory)
        except SnapshotError as exc:
            if not args.force:
                raise SnapshotError(f"{exc} (pass --force to replace it)") from None
            _say(args, f"replacing a corrupt snapshot: {exc}")

    spec = load_spec(
        target,
        allow_remote_refs=config.allow_remote_refs,
        timeout=config.timeout,
        headers=expanded_headers(config),
    )
    records = {}
    notes: list[str] = []
    if target.is_live:
        probes, notes = collect_probes(config, probes_file=args.probes, spec=spec)
        records = record_probes(target, probes, config, args)
        for probe in probes:
            answered = records[probe.name].status
            if probe.status is not None and answered != probe.status:
                raise DriftguardError(
                    f"probe {probe.name} ({probe.label}) answered {answered}, expected "
                    f"{probe.status}; nothing was written (is a setup probe missing?)"
                )
            if probe.origin == "auto" and answered is not None and answered >= 400:
                notes.append(f"automatic probe {probe.name} ({probe.label}) answered {answered}")
    elif args.probes or config.probes:
        notes.append(f"{target} is a document, not a live service: no probe was sent")
    changes = write_snapshot(directory, spec, records, previous=previous)
    for note in notes:
        _say(args, f"note: {note}")
    for line in changes.lines():
        _say(args, line)
    _say(args, f"snapshot of {target} written to {directory}/ ({len(records)} probe(s))")
    return 0


def _has_snapshot(directory: Path) -> bool:
    return (directory / "openapi.json").exists() or (directory / "responses").is_dir()


def _say(args: argparse.Namespace, line: str) -> None:
    if not args.quiet:
        sys.stdout.write(line + "\n")
