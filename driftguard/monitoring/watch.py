"""``driftguard watch`` as library calls: one run (:meth:`Watcher.run_once`) and the loop.

A run is a :func:`driftguard.check` of the deployed service against the snapshot (spec diff
and probes), retried a few times when the service cannot be reached; then the run and the
causes at or above ``fail_on`` are judged against the open incidents in the history
(:mod:`.incidents`), and what opened or resolved is announced (:mod:`.alerts`).

The loop runs until :meth:`Watcher.stop` (the command calls it on SIGTERM and SIGINT): a run
in progress is finished and recorded, the wait for the next one is cut short. A service that
cannot be reached is an incident, never the end of the loop; only what makes every run
impossible (a missing or corrupt snapshot, a bad configuration or history URL) ends it, when
the first run fails so; a later run that fails (the history database down for a while) is
logged and the loop goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._errors import DriftguardError, LoadError, TargetError
from driftguard._redact import redact_text
from driftguard.findings import FailOn
from driftguard.monitoring.alerts import Alerter
from driftguard.monitoring.history import HistoryStore, Incident, RunRecord, utc_now
from driftguard.monitoring.incidents import Event, incident_for, judge, unreachable
from driftguard.report import Report

if TYPE_CHECKING:
    from driftguard._config import Config
    from driftguard.targets import Target

__all__ = ["WatchResult", "Watcher"]

logger = logging.getLogger("driftguard.watch")


@dataclass
class WatchResult:
    """One run: as recorded, what it opened and resolved, and its report (None when the
    target could not be reached)."""

    run: RunRecord
    events: list[Event] = field(default_factory=list)
    report: Report | None = None

    @property
    def exit_code(self) -> int:
        return self.run.exit_code

    def line(self) -> str:
        """The run in one line, for the terminal and the log."""
        run = self.run
        if run.outcome == "unreachable":
            what = f"unreachable: {run.error}"
        else:
            what = (
                f"{run.breaking} breaking, {run.warning} warning, {run.info} info cause(s)"
                if run.outcome == "drift" or run.findings
                else "no drift"
            )
        opened = sum(1 for e in self.events if e.kind == "opened")
        resolved = len(self.events) - opened
        return (
            f"{run.started} {run.target}: {what}; {opened} incident(s) opened, "
            f"{resolved} resolved ({run.seconds:.1f}s)"
        )


class Watcher:
    """Watches one target against one snapshot directory, recording into one history."""

    def __init__(
        self,
        target: Target,
        *,
        snapshots: Path,
        history: HistoryStore,
        config: Config | None = None,
        alerter: Alerter | None = None,
        fail_on: FailOn | None = None,
        retries: int = 2,
        retry_delay: float = 5.0,
        probes: str | None = None,
    ) -> None:
        from driftguard._config import Config

        self.target = target
        self.label = redact_text(str(target))
        self.snapshots = snapshots
        self.history = history
        self.config = config if config is not None else Config()
        self.alerter = alerter if alerter is not None else Alerter()
        self.fail_on = fail_on if fail_on is not None else self.config.fail_on_level
        self.retries = max(0, retries)
        self.retry_delay = retry_delay
        self.probes = probes
        self._stop = threading.Event()

    def stop(self) -> None:
        """End the loop once the run in progress (if any) is recorded."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _checked(self) -> Report:
        from driftguard.snapshots.gate import check

        return check(self.target, snapshots=self.snapshots, probes=self.probes, config=self.config)

    def run_once(self) -> WatchResult:
        """One check, recorded and judged; its alerts sent."""
        started, clock = utc_now(), time.monotonic()
        report: Report | None = None
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                logger.info(
                    "driftguard: %s: %s; retrying in %gs", self.label, reason, self.retry_delay
                )
                if self._stop.wait(self.retry_delay):
                    break
            try:
                report = self._checked()
                break
            except (TargetError, LoadError) as exc:
                reason = redact_text(str(exc))
        seconds = round(time.monotonic() - clock, 3)
        if report is None:
            run = RunRecord(self.label, started, seconds, "unreachable", 2, error=reason)
            seen: list[Incident] = [unreachable(self.label, reason, when=started)]
        else:
            run, seen = self._recorded(report, started, seconds)
        with self.history.transaction(self.label) as tx:
            events = judge(tx, run, seen)
        self.alerter.announce(events)
        return WatchResult(run, events, report)

    def _recorded(
        self, report: Report, started: str, seconds: float
    ) -> tuple[RunRecord, list[Incident]]:
        counts = report.cause_summary
        causes: list[dict[str, Any]] = [
            {
                "key": cause.key,
                "id": cause.id,
                "severity": cause.severity.value,
                "message": redact_text(cause.message),
            }
            for cause in report.causes
        ]
        alarming = [c for c in report.causes if self.fail_on.trips(c.severity)]
        run = RunRecord(
            self.label,
            started,
            seconds,
            "drift" if alarming else "clean",
            report.exit_code(self.fail_on),
            breaking=counts["breaking"],
            warning=counts["warning"],
            info=counts["info"],
            findings=len(report.findings),
            causes=causes,
        )
        return run, [incident_for(c, target=self.label, when=started) for c in alarming]

    def loop(self, every: float, on_run: Callable[[WatchResult], None] | None = None) -> None:
        """Run every ``every`` seconds (from the start of one run to the next) until
        :meth:`stop`; a run that takes longer than ``every`` is followed at once."""
        first = True
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                result = self.run_once()
            except DriftguardError as exc:
                if first:
                    raise  # nothing ever worked: a bad configuration, the loop ends (exit 2)
                # A history database down for a while, a snapshot being replaced: this run
                # is lost, the watch goes on.
                logger.error("driftguard: %s: run failed: %s", self.label, exc)
            else:
                first = False
                if on_run is not None:
                    on_run(result)
            self._stop.wait(max(0.0, every - (time.monotonic() - began)))
