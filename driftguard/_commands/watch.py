"""`driftguard watch`: ``check`` on a schedule, every run in a history, incidents alerted once.

``--once`` runs one check and exits with ``check``'s code (0 clean, 1 drift at ``--fail-on``,
2 could not run, the target unreachable included), for cron, a Kubernetes CronJob or a
GitHub Actions ``schedule:``. Without it the loop runs every ``--every`` until SIGTERM or
SIGINT, which end it after the run in progress (a second one ends it at once); it exits only
then (0) or on a bad configuration (2).
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
from pathlib import Path
from typing import Any

from driftguard._commands import _options

__all__ = ["duration", "history_option", "log_to_stderr", "register", "run"]

USES_CONFIG = True
# On the main thread, where SIGTERM and SIGINT handlers live (each check runs on the deep
# thread of driftguard._deep by itself).
MAIN_THREAD = True
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def duration(text: str) -> float:
    """``90``, ``30s``, ``5m``, ``2h``, ``7d``: seconds."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration (write 30s, 5m, 2h or 7d)")
    value = float(match.group(1)) * _UNIT[(match.group(2) or "s").lower()]
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 seconds")
    return value


def history_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--history",
        metavar="URL",
        help="history database: a SQLite file path, sqlite:///file.db, or "
        "postgresql://user@host:5432/db (needs the postgres extra; a password is better "
        "given in PGPASSWORD) (default: .driftguard/history.db beside the snapshot directory)",
    )


class _Stderr(logging.Handler):
    """One line per record on whatever ``sys.stderr`` is when it is written."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: nothing left to tell
            pass


def log_to_stderr(quiet: bool) -> None:
    """Incident lines (and, unless quiet, retries) on stderr, one line each."""
    logger = logging.getLogger("driftguard.watch")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        logger.addHandler(_Stderr())
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "watch",
        help="monitor a deployed service: check it on a schedule, alert once per new cause",
        description="Run 'check' of TARGET against the snapshot every --every (or once with "
        "--once), keep every run in a history database, open an incident per new cause and "
        "resolve it when the cause is gone, alerting once for each (log line and --webhook).",
    )
    _options.target(parser)
    _options.snapshots(parser)
    parser.add_argument(
        "--every",
        type=duration,
        default=300.0,
        metavar="DURATION",
        help="time from one run's start to the next: 30s, 5m, 1h (default: 5m)",
    )
    parser.add_argument("--once", action="store_true", help="run one check and exit")
    history_option(parser)
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="POST each incident opened or resolved as JSON (with a 'text' field, as Slack "
        "incoming webhooks read it) to URL",
    )
    parser.add_argument(
        "--retries",
        type=_options.whole_number,
        default=2,
        metavar="N",
        help="check an unreachable target N more times before it counts as unreachable "
        "(default: 2)",
    )
    parser.add_argument(
        "--retry-delay",
        type=duration,
        default=10.0,
        metavar="DURATION",
        help="wait between those attempts (default: 10s)",
    )
    parser.add_argument(
        "--fail-on",
        type=_options.fail_on,
        metavar="LEVEL",
        help="causes at LEVEL or above open incidents, and make --once exit 1: breaking, "
        "warning, info (default: breaking)",
    )
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> int:
    from driftguard.monitoring.alerts import Alerter
    from driftguard.monitoring.history import open_history
    from driftguard.monitoring.watch import Watcher
    from driftguard.snapshots.gate import _target

    log_to_stderr(args.quiet)
    snapshots = Path(args.dir) if args.dir else config.snapshot_dir
    history = open_history(args.history, default_dir=snapshots.parent)
    watcher = Watcher(
        _target(args.target, config, args.spec_url),
        snapshots=snapshots,
        history=history,
        config=config,
        alerter=Alerter(args.webhook),
        fail_on=args.fail_on,
        retries=args.retries,
        retry_delay=args.retry_delay,
        probes=args.probes,
    )
    if args.once:
        result = watcher.run_once()
        _print(result.line())
        return result.exit_code

    def stop(signum: int, _frame: Any) -> None:
        if watcher.stopping:
            raise KeyboardInterrupt
        name = signal.Signals(signum).name
        logging.getLogger("driftguard.watch").info(
            "driftguard: %s: stopping after the run in progress", name
        )
        watcher.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        watcher.loop(args.every, on_run=lambda result: _print(result.line()))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
