"""The CI gate and its baseline, as library calls: :func:`check` and :func:`snapshot`.

``snapshot`` records a target's OpenAPI document and the answers of its probes into a
snapshot directory; ``check`` holds the target against it: the document diffed as ``diff``
would, every probe replayed and its answer compared with the recorded shape, in one report.
The CLI commands of the same names are thin layers over these two.

Neither ever blesses drift behind the user's back: a snapshot is replaced in one step and
says what it replaced, a corrupt one stops the run before anything is sent or written, and
while ``CI`` is set neither replaces a snapshot unless ``force`` says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._config import Config
from driftguard._deep import deep
from driftguard._errors import DriftguardError, SnapshotError, TargetError, UsageError
from driftguard._raised import clip
from driftguard._redact import redact_text
from driftguard.findings import Finding, RunInfo
from driftguard.report import Report
from driftguard.snapshots.evidence import Seen, weigh
from driftguard.snapshots.store import (
    SPEC_FILE,
    Snapshot,
    SnapshotChanges,
    ci_is_set,
    load_snapshot,
    refuse_revision,
    write_snapshot,
)

if TYPE_CHECKING:
    from driftguard.openapi.document import Spec
    from driftguard.snapshots.probes import Probe
    from driftguard.snapshots.record import ResponseRecord
    from driftguard.snapshots.replay import Progress
    from driftguard.targets import Target

__all__ = ["SnapshotResult", "check", "snapshot"]


@dataclass
class SnapshotResult:
    """What :func:`snapshot` wrote: the changes to the directory, and notes for the user."""

    target: str
    changes: SnapshotChanges
    probes: int
    notes: list[str] = field(default_factory=list)
    # what was recorded but is rarely the baseline meant (the CLI also says it on stderr)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The command's report: notes, what was replaced, and where it was written."""
        return [
            *(f"note: warning: {warning}" for warning in self.warnings),
            *(f"note: {note}" for note in self.notes),
            *self.changes.lines(),
            self.changes.summary(self.target),
        ]


@deep
def snapshot(
    target: str | os.PathLike[str] | Target | None = None,
    *,
    snapshots: str | Path | None = None,
    probes: str | Path | None = None,
    config: Config | None = None,
    spec_url: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> SnapshotResult:
    """Record ``target``'s OpenAPI document and its probes' answers into ``snapshots``.

    ``target`` and ``snapshots`` default to the configuration's; ``probes`` is a TOML or
    JSON file of more probes. An existing snapshot is replaced only outside CI (or with
    ``force``), a corrupt one only with ``force``. A probe that answers another status than
    the one it expects stops the run before anything is written.
    """
    from driftguard.openapi.sources import load_spec
    from driftguard.snapshots.probes import collect_probes

    config = config if config is not None else Config()
    resolved = _target(target, config, spec_url)
    directory = _directory(snapshots, config)
    refuse_revision(directory)  # before any probe is sent
    previous = None
    notes: list[str] = []
    warnings: list[str] = []
    if (directory / SPEC_FILE).exists() or (directory / "responses").is_dir():
        if ci_is_set() and not force:
            raise SnapshotError(
                f"{directory}: refusing to replace the snapshot while CI is set "
                "(pass --force to replace it anyway)"
            )
        try:
            previous = load_snapshot(directory)
        except SnapshotError as exc:
            if not force:
                raise SnapshotError(f"{exc} (pass --force to replace it)") from None
            notes.append(f"replacing a corrupt snapshot: {exc}")

    spec = load_spec(resolved, **_load_options(config), notes=notes)
    records: dict[str, ResponseRecord] = {}
    if resolved.is_live:
        chosen, probe_notes = collect_probes(config, probes_file=probes, spec=spec)
        notes.extend(probe_notes)
        records = _replay(resolved, chosen, config, progress)
        for probe in chosen:
            answered = records[probe.name].status
            error = records[probe.name].error
            if error is not None:
                raise TargetError(
                    f"probe {probe.name} ({probe.method} {resolved.base_url}{probe.path}): "
                    f"{error}; nothing was written"
                )
            if probe.status is not None and answered != probe.status:
                raise DriftguardError(
                    f"probe {probe.name} ({probe.label}) answered {answered}, expected "
                    f"{probe.status}; nothing was written (is a setup probe missing?)"
                )
            if probe.status is None and answered is not None and _unlikely_baseline(answered):
                warnings.append(_unlikely_baseline_warning(probe, answered))
            elif probe.origin == "auto" and answered is not None and answered >= 400:
                notes.append(f"automatic probe {probe.name} ({probe.label}) answered {answered}")
    elif probes or config.probes:
        notes.append(f"{resolved} is a document, not a live service: no probe was sent")
    changes = write_snapshot(directory, spec, records, previous=previous)
    return SnapshotResult(str(resolved), changes, len(records), notes, warnings)


def _unlikely_baseline(status: int) -> bool:
    """A probe that expects no status and got "not found" or a server error was most likely
    sent wrong (a missing setup probe, a wrong id) or hit a broken service."""
    return status == 404 or status >= 500


def _unlikely_baseline_warning(probe: Probe, status: int) -> str:
    where = (
        "add it to [[tool.driftguard.probes]] with"
        if probe.origin == "auto"
        else "pin it in its probe with"
    )
    return (
        f"probe {probe.name} ({probe.label}) answered {status} and was recorded as its "
        f"baseline; if {status} is meant, {where} status = {status}, else fix the probe "
        "(is a setup probe missing?) and snapshot again"
    )


@deep
def check(
    target: str | os.PathLike[str] | Target | None = None,
    *,
    snapshots: str | Path | None = None,
    probes: str | Path | None = None,
    config: Config | None = None,
    spec_url: str | None = None,
    update: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    match_path: str | Iterable[str] | None = None,
    exclude_path: str | Iterable[str] | None = None,
) -> Report:
    """Hold ``target`` against the snapshot in ``snapshots``: its document and every probe.

    The report holds the document's changes (as ``diff`` reports them) and each probe's
    drift, with the configuration's policy applied once. With ``update`` the snapshot is
    rewritten from what the target answers now (refused while ``CI`` is set, unless
    ``force``); the report still shows the drift that was accepted.

    ``match_path``/``exclude_path`` (regular expressions searched in path templates; by
    default the configuration's) narrow the report to some operations
    (:mod:`driftguard.filters`): probes of the others are not replayed, and an update keeps
    their records as they were (the document is always recorded whole).
    """
    from driftguard.filters import EndpointFilter
    from driftguard.openapi.compare import compare_specs
    from driftguard.openapi.document import Spec
    from driftguard.openapi.lifecycle import Lifecycle
    from driftguard.openapi.sources import load_spec, snapshot_document
    from driftguard.policy import apply_policy
    from driftguard.snapshots.probes import collect_probes

    config = config if config is not None else Config()
    endpoints = EndpointFilter.build(
        match_path=match_path, exclude_path=exclude_path, config=config
    )
    if update and ci_is_set() and not force:
        raise UsageError(
            "--update is refused while CI is set: a CI run must not rewrite its own snapshot "
            "(pass --force to do it anyway)"
        )
    run, finish = RunInfo.timed()
    resolved = _target(target, config, spec_url)
    directory = _directory(snapshots, config)
    if update:
        refuse_revision(directory)  # before any probe is sent
    run.target, run.baseline = str(resolved), str(directory)
    recorded = load_snapshot(directory)
    where = str(directory / SPEC_FILE)
    old_doc = None if recorded.spec is None else snapshot_document(recorded.spec, where=where)
    new_doc = load_spec(resolved, **_load_options(config), notes=run.notes)
    new_spec = Spec(new_doc, where=str(resolved))
    old_spec = None if old_doc is None else Spec(old_doc, where=where)
    scope = None if endpoints is None else endpoints.scope(old_spec, new_spec)
    findings: list[Finding] = []
    if old_spec is not None:
        seen = _recorded_shapes(recorded, new_spec, old_spec)
        findings.extend(weigh(compare_specs(old_spec, new_spec, Lifecycle.of(config))[0], seen))
        run.notes.append(f"OpenAPI document compared with {where}")
    else:
        run.notes.append(f"{directory} holds no {SPEC_FILE}: the document was not compared")

    live: dict[str, ResponseRecord] = {}
    unsent: set[str] = set()
    if resolved.is_live:
        chosen, probe_notes = collect_probes(
            config, probes_file=probes, spec=new_doc, snapshot=recorded
        )
        run.notes.extend(probe_notes)
        if scope is not None:
            in_scope = scope.probes(chosen, (new_spec, old_spec), run.notes)
            unsent = {p.name for p in chosen} - {p.name for p in in_scope}
            chosen = in_scope
        live = _replay(resolved, chosen, config, progress)
        compared = _compare_probes(chosen, live, recorded, new_spec, old_spec, config, run)
        findings.extend(compared)
        count = sum(1 for probe in chosen if probe.name in recorded.records)
        run.notes.insert(0, f"{len(chosen)} probe(s) sent to {resolved}, {count} compared")
    elif recorded.records:
        run.notes.append(f"{resolved} is a document, not a live service: no probe was replayed")

    if update:
        # A document target sends no probe: its update keeps the recorded responses.
        records = live if resolved.is_live else dict(recorded.records)
        # Probes outside the endpoint filter were not sent: their records stay as they were.
        records.update((n, r) for n, r in recorded.records.items() if n in unsent)
        changes = write_snapshot(directory, new_doc, records, previous=recorded)
        run.notes.extend(["snapshot updated:", *(f"  {line}" for line in changes.lines())])
    if scope is not None:
        findings = scope.apply(findings, run.notes)
        run.operations = scope.operations(run.operations)
    return apply_policy(Report("check", findings, run=finish()), config)


def _compare_probes(
    chosen: list[Probe],
    live: dict[str, ResponseRecord],
    recorded: Snapshot,
    new_spec: Spec,
    old_spec: Spec | None,
    config: Config,
    run: RunInfo,
) -> list[Finding]:
    """Each probe's live answer against its record, under the operation it belongs to."""
    from driftguard.shapes import PathMatcher, compare_response
    from driftguard.shapes.values import compare_values

    ignore = PathMatcher(config.ignore)
    operations: set[str] = set()
    findings: list[Finding] = []
    for probe in chosen:
        found = new_spec.find(probe.method, probe.path)
        if found is None and old_spec is not None:
            found = old_spec.find(probe.method, probe.path)  # a probe of a removed operation
        operation = found.label if found is not None else probe.label
        operations.add(operation)
        before = recorded.records.get(probe.name)
        error = live[probe.name].error
        if error is not None:
            run.notes.append(f"probe {probe.name} ({probe.label}) got no answer: {error}")
        if before is None:
            run.notes.append(
                f"new probe {probe.name} ({probe.label}) has no snapshot yet: "
                "'driftguard check --update' records it"
            )
            continue
        now = live[probe.name]
        drift = compare_response(before, now, probe=probe.name, operation=operation, ignore=ignore)
        findings.extend(_explained(found, now) for found in drift.findings)
        if (before.status, before.media_type) == (now.status, now.media_type):
            values = compare_values(
                before.values, now.values, probe.values, probe=probe.name, operation=operation
            )
            findings.extend(values)
    run.operations = sorted(operations)
    return findings


def _explained(found: Finding, record: ResponseRecord) -> Finding:
    """A ``response-status-changed`` finding that says why, when the answer is an error:
    the detail of its body (a 422's messages), or the exception an in-process app raised
    and where. Both as the target sent them, redacted (they may quote a credential)."""
    from dataclasses import replace

    status = record.status
    if found.id != "response-status-changed" or status is None or status < 400:
        return found
    details = dict(found.details)
    exception = record.extra.get("exception")
    if isinstance(exception, str):
        raised = record.extra.get("raised")
        where = f" (raised at {raised})" if isinstance(raised, str) else ""
        reason = f"{exception}{where}"
        kind, _, text = exception.partition(": ")
        details["exception"] = {"type": kind, "message": text, "where": raised}
    else:
        reason = _error_detail(record.sample)
    if not reason:
        return found
    details["reason"] = reason = redact_text(clip(reason, 300))
    return replace(found, message=f"{found.message}: {reason}", details=details)


def _error_detail(body: Any) -> str:
    """What an error body says went wrong: FastAPI's ``detail`` (each message of a 422 with
    the field it is about), a ``message``/``error``/``title`` text, else nothing."""
    if not isinstance(body, dict):
        return ""
    detail = body.get("detail")
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                loc = item.get("loc")
                field = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
                parts.append(f"{field}: {item['msg']}" if field else str(item["msg"]))
        return "; ".join(parts)
    for key in ("detail", "message", "error", "title"):
        if isinstance(body.get(key), str):
            return str(body[key])
    return ""


def _recorded_shapes(recorded: Snapshot, new_spec: Spec, old_spec: Spec) -> Seen:
    """Every recorded response shape by the operation and status it answered."""
    seen: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    for name, record in recorded.records.items():
        request = record.request or {}
        method, path = str(request.get("method", "GET")), str(request.get("path", ""))
        if record.shape is None or record.status is None or not path:
            continue
        operation = old_spec.find(method, path) or new_spec.find(method, path)
        if operation is not None:
            seen.setdefault((operation.label, str(record.status)), []).append((name, record.shape))
    return seen


def _target(
    target: str | os.PathLike[str] | Target | None, config: Config, spec_url: str | None
) -> Target:
    from driftguard.targets import resolve_target

    return resolve_target(
        target or config.target, spec_url=spec_url or config.spec_url, app_dir=config.app_path
    )


def _directory(snapshots: str | Path | None, config: Config) -> Path:
    return Path(snapshots) if snapshots else config.snapshot_dir


def _load_options(config: Config) -> dict[str, Any]:
    return {
        "allow_remote_refs": config.allow_remote_refs,
        "timeout": config.timeout,
        "headers": config.request_headers().values,
        "ref_roots": config.ref_root_paths,  # harden-load: where a file's $ref may read
    }


def _replay(
    target: Target, chosen: list[Probe], config: Config, progress: Progress | None
) -> dict[str, ResponseRecord]:
    from driftguard.snapshots.replay import run_probes

    return run_probes(
        target,
        chosen,
        headers=config.request_headers().values,
        timeout=config.timeout,
        ignore=config.ignore,
        progress=progress,
    )
