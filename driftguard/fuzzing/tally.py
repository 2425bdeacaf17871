"""Fuzzing a target's operations to a :class:`Tally`: one run's, or one worker's share.

:func:`collect` opens a session (:mod:`~driftguard.fuzzing.session`), fuzzes each operation
within its share of the time budget, runs the scenarios
(:func:`~driftguard.fuzzing.probing.probe`) and keeps what was found, the notes and the
counts. :func:`~driftguard.fuzzing.run.fuzz` draws the report up from one tally, or from the
workers' tallies added up (:mod:`~driftguard.fuzzing.workers`).
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

from driftguard._config import Config
from driftguard._errors import first_line
from driftguard.findings import Finding
from driftguard.fuzzing.constants import no_local_constants
from driftguard.fuzzing.engine import OutOfTime, Progress, Run
from driftguard.fuzzing.options import FuzzOptions
from driftguard.fuzzing.probing import probe
from driftguard.fuzzing.reproduce import redactor_for
from driftguard.fuzzing.session import open_session

__all__ = ["Tally", "collect"]


@dataclass
class Tally:
    """What fuzzing some operations came to, before the report is drawn up: one run's, or
    one worker's share (:mod:`~driftguard.fuzzing.workers` adds the shares up). Picklable."""

    target: str
    base_url: str
    seed: int
    findings: list[Finding]
    notes: list[str]
    operations: list[str]
    done: int
    requests: int
    successes: dict[str, int]
    statuses: Counter[int]
    secured: set[str]  # operations that declare authentication
    exports: dict[str, str]  # environment variables the reproductions read credentials from
    shard: str | None = None
    budget_spent: bool = False  # the time budget cut an operation or the run short


def collect(
    target: Any,
    options: FuzzOptions,
    config: Config,
    progress: Progress | None,
    *,
    started: float | None = None,
) -> Tally:
    """Fuzz the target's operations (``options.operations``, else all of its shard); a
    worker passes ``started``, when the run it is part of began (its budget is shared)."""
    # Warnings (a pattern schemathesis cannot generate from...) become notes of the report:
    # on a pipe, stdout and stderr carry the report and errors only.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open_session(target, options, config, progress) as session:
            run, operations = session.run, session.operations
            if started is not None:
                run.started = started
            try:
                with no_local_constants():
                    _fuzz_operations(run, operations)
                probe(run)
            except OutOfTime:
                run.budget_spent = True
                run.notes.append(
                    f"time budget of {options.time_budget:g}s reached after {run.done} of "
                    f"{len(operations)} operations"
                )
    for message in dict.fromkeys(
        _warning_line(str(w.message))
        for w in caught
        if not issubclass(
            w.category, DeprecationWarning | PendingDeprecationWarning | ResourceWarning
        )
    ):
        run.notes.append(f"warning: {message}")
    if run.rereads.sent:
        run.notes.append(
            f"stateful checks: {run.rereads.sent} of the {run.sender.requests_sent} requests "
            "(reads sent again after accepted writes, created ids sent through their items' "
            "operations)"
        )
    if progress is not None:
        progress(run.snapshot(finished=True))
    redactor = redactor_for(options.headers, options.templates, options.login)
    statuses: Counter[int] = Counter()
    for state in run.states.values():
        statuses.update(state.statuses)
    return Tally(
        target=str(session.target),
        base_url=run.base_url,
        seed=run.seed,
        findings=run.collector.findings(
            redactor, replay_base=session.replay_base, serve=session.serve
        ),
        notes=run.notes,
        operations=[operation.label for operation in operations],
        done=run.done,
        requests=run.sender.requests_sent,
        successes={label: state.successes for label, state in run.states.items()},
        statuses=statuses,
        secured={label for label, state in run.states.items() if state.slots},
        exports=dict(redactor.exports),
        shard=None if options.shard is None else str(options.shard),
        budget_spent=run.budget_spent,
    )


def _warning_line(message: str) -> str:
    """A warning's first line, joined to the next when it is only a header.

    Pydantic's serializer warnings start ``Pydantic serializer warnings:`` and say what is
    wrong on the line after; the note must keep that.
    """
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return f"{lines[0]} {lines[1]}"
    return first_line(message)


def _fuzz_operations(run: Run, operations: list[Any]) -> None:
    """Fuzz each operation; under a time budget, each gets a fair share of the time left.

    The share is the time left over the operations left, so one slow operation cannot take
    the whole budget, and what a quick one leaves goes to those after it.
    """
    budget = run.options.time_budget
    if budget is None:
        for operation in operations:
            run.fuzz_operation(operation)
        return
    end, cut = run.started + budget, 0
    try:
        for index, operation in enumerate(operations):
            now = time.monotonic()
            run.deadline = now + max(end - now, 0.0) / (len(operations) - index)
            try:
                run.fuzz_operation(operation)
            except OutOfTime:
                if time.monotonic() >= end and index + 1 < len(operations):
                    raise  # the whole budget is spent before the last: the run stops here
                cut += 1
                run.done += 1
                run.budget_spent = True
    finally:
        run.deadline = None
        if cut:
            run.notes.append(
                f"time budget of {budget:g}s: {cut} of {len(operations)} operations cut short "
                "at their share of it"
            )
