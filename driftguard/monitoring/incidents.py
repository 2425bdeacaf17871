"""Incidents, not noise: one run's causes against the incidents open for its target.

An incident is keyed by its cause (:mod:`driftguard.causes`: one change however many
operations and probes show it), so a rename seen in the document and in three probes is one
incident. A cause seen for the first time opens one; while runs keep seeing it, it stays
open and nothing is announced; the first run that no longer sees it resolves it. A target
that could not be reached (after the run's retries) is an incident of its own, and says
nothing about drift: the drift incidents stay as they were until a run reaches the target
again.

:func:`judge` runs inside the history's locked transaction, so of several watchers writing
at once exactly one opens (and announces) each incident, and exactly one resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from driftguard._redact import redact_text
from driftguard.causes import Cause
from driftguard.monitoring.history import Incident, RunRecord, Transaction

__all__ = ["UNREACHABLE", "Event", "incident_for", "judge"]

UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Event:
    """An incident that this run opened or resolved: what is announced."""

    kind: Literal["opened", "resolved"]
    incident: Incident


def incident_for(cause: Cause, *, target: str, when: str) -> Incident:
    """The incident a cause opens."""
    return Incident(
        target=target,
        cause=cause.key,
        kind="drift",
        rule=cause.id,
        severity=cause.severity.value,
        message=redact_text(cause.message),
        opened=when,
        last_seen=when,
    )


def unreachable(target: str, reason: str, *, when: str) -> Incident:
    return Incident(
        target=target,
        cause=UNREACHABLE,
        kind="unreachable",
        rule="target-unreachable",
        severity="breaking",
        message=redact_text(reason),
        opened=when,
        last_seen=when,
    )


def judge(tx: Transaction, run: RunRecord, seen: Iterable[Incident]) -> list[Event]:
    """Record ``run`` and what it saw; the incidents it opened and resolved.

    ``seen`` holds the incidents the run would open: its causes, or only the unreachable
    incident when the target could not be reached.
    """
    tx.add_run(run)
    wanted = {incident.cause: incident for incident in seen}
    reached = run.outcome != "unreachable"
    events: list[Event] = []
    for incident in tx.open_incidents(run.target):
        if incident.cause in wanted:
            tx.seen(incident, run.started)
            del wanted[incident.cause]
        elif (reached or incident.kind == "unreachable") and tx.resolve(incident, run.started):
            events.append(Event("resolved", incident))
    for incident in wanted.values():
        opened = tx.open(incident)
        if opened is not None:
            events.append(Event("opened", opened))
    return events
