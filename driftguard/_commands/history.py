"""`driftguard history`: the runs and incidents ``watch`` recorded, as text, JSON or html.

``--format json`` is an object with ``runs`` and ``incidents`` lists (CONTRACT section 2);
``--format html`` is a self-contained status page. ``--since`` bounds the runs and the
resolved incidents listed (default: 7 days); open incidents are always listed.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from driftguard._commands import _options
from driftguard._commands.watch import configured_history, duration, history_option

__all__ = ["register", "run"]

USES_CONFIG = True


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "history",
        help="list the runs and incidents 'watch' recorded (text, json, or an html status page)",
        description="List the runs and incidents that 'driftguard watch' recorded.",
    )
    history_option(parser)
    parser.add_argument(
        "--dir", metavar="DIR", help="snapshot directory whose default history is read"
    )
    parser.add_argument(
        "--since",
        type=duration,
        default=7 * 86400.0,
        metavar="DURATION",
        help="runs and resolved incidents of the last DURATION: 12h, 7d, 4w (default: 7d)",
    )
    parser.add_argument(
        "--format", choices=("text", "json", "html"), default="text", help="(default: text)"
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> int:
    from driftguard.monitoring.status import history_html, history_json, history_text

    snapshots = Path(args.dir) if args.dir else config.snapshot_dir
    store = configured_history(args, config, snapshots)
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=args.since)
    since = moment.isoformat().replace("+00:00", "Z")
    runs = store.runs(since)
    incidents = store.incidents(since)
    if args.format == "json":
        text = history_json(runs, incidents)
    elif args.format == "html":
        text = history_html(runs, incidents, since=since, source=store.shown)
    else:
        text = history_text(runs, incidents, since)
    from driftguard.cli import write_output

    write_output(text, args.output)
    return 0
