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
import signal
import sys
from pathlib import Path
from typing import Any

from driftguard._commands import _options

__all__ = ["configured_history", "duration", "history_option", "log_to_stderr", "register", "run"]

USES_CONFIG = True
# On the main thread, where SIGTERM and SIGINT handlers live (each check runs on the deep
# thread of driftguard._deep by itself).
MAIN_THREAD = True


def duration(text: str) -> float:
    """``90``, ``30s``, ``5m``, ``2h``, ``7d``: seconds."""
    from driftguard._settings import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _where(config: Any, key: str) -> str:
    """How a message names a ``[tool.driftguard.watch]`` key: its file, then ``watch.KEY``."""
    return f"{config.source or 'configuration'}: watch.{key}"


def _expanded(value: str | None, key: str, config: Any) -> str | None:
    """A ``[tool.driftguard.watch]`` value with its ``${NAME}`` read from the environment."""
    from driftguard._settings import expand_env

    if value is None:
        return None
    return expand_env(value, where=_where(config, key))


def configured_history(args: argparse.Namespace, config: Any, snapshots: Path) -> Any:
    """The history store: ``--history``, else ``[tool.driftguard.watch] history`` (a path
    relative to the configuration file), else the file beside the snapshot directory."""
    from driftguard.monitoring.history import open_history

    if args.history is not None:
        return open_history(args.history, default_dir=snapshots.parent)
    return open_history(
        _expanded(config.watch.history, "history", config),
        default_dir=snapshots.parent,
        where=_where(config, "history"),
        relative_to=Path(config.root),
    )


def history_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--history",
        metavar="URL",
        help="history database: a SQLite file path, sqlite:///file.db, or "
        "postgresql://user@host:5432/db (needs the postgres extra; a password is better "
        "given in PGPASSWORD) (default: [tool.driftguard.watch] history, else "
        ".driftguard/history.db beside the snapshot directory)",
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
        metavar="DURATION",
        help="time from one run's start to the next: 30s, 5m, 1h (default: 5m, or "
        "[tool.driftguard.watch] every)",
    )
    parser.add_argument("--once", action="store_true", help="run one check and exit")
    history_option(parser)
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="POST each incident opened or resolved as JSON (with a 'text' field, as Slack "
        "incoming webhooks read it) to URL (default: [tool.driftguard.watch] webhook, "
        "written as ${NAME})",
    )
    parser.add_argument(
        "--retries",
        type=_options.whole_number,
        metavar="N",
        help="check an unreachable target N more times before it counts as unreachable "
        "(default: 2)",
    )
    parser.add_argument(
        "--retry-delay",
        type=duration,
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
    from driftguard.monitoring.watch import Watcher
    from driftguard.snapshots.gate import _target

    log_to_stderr(args.quiet)
    snapshots = Path(args.dir) if args.dir else config.snapshot_dir
    history = configured_history(args, config, snapshots)
    settings = config.watch
    watcher = Watcher(
        _target(args.target, config, args.spec_url),
        snapshots=snapshots,
        history=history,
        config=config,
        alerter=Alerter(args.webhook or _expanded(settings.webhook, "webhook", config)),
        fail_on=args.fail_on,
        retries=settings.retries if args.retries is None else args.retries,
        retry_delay=settings.retry_delay if args.retry_delay is None else args.retry_delay,
        probes=args.probes,
    )
    every = settings.every if args.every is None else args.every
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
        watcher.loop(every, on_run=lambda result: _print(result.line()))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
