"""`driftguard check`: the CI gate, a thin layer over :func:`driftguard.check`.

``--update`` rewrites the snapshot from what the target answers now, and is refused when
``CI`` is set unless ``--force``; after an update the run exits 0, since the drift shown has
just become the new baseline.
"""

from __future__ import annotations

import argparse
from typing import Any

from driftguard._commands import _options
from driftguard._commands._progress import erase_progress, probe_progress
from driftguard.findings import FailOn
from driftguard.report import Report


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="CI gate: compare the live spec and responses with the snapshot",
        description="Compare TARGET's current OpenAPI document with the snapshot's and replay "
        "every probe, comparing each live response with its recorded shape.",
    )
    _options.target(parser)
    _options.snapshots(parser)
    parser.add_argument(
        "--update", action="store_true", help="rewrite the snapshot instead of failing"
    )
    parser.add_argument("--force", action="store_true", help="allow --update even when CI is set")
    _options.ref_roots(parser)
    _options.deprecation_days(parser)
    _options.endpoints(parser)
    _options.reporting(parser)
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.snapshots.gate import check

    progress = probe_progress(args)
    try:
        report = check(
            args.target,
            snapshots=args.dir,
            probes=args.probes,
            config=_options.with_deprecation_days(config.with_ref_roots(args.ref_root), args),
            spec_url=args.spec_url,
            update=args.update,
            force=args.force,
            progress=progress,
            match_path=args.match_path,
            exclude_path=args.exclude_path,
        )
    finally:
        erase_progress(progress)
    if args.update:
        args.fail_on = FailOn(None)  # the drift shown has just become the new baseline
    return report
