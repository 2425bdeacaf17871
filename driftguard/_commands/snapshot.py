"""`driftguard snapshot`: a thin layer over :func:`driftguard.snapshot`.

It says what it created, replaced, removed and left unchanged: a snapshot is never
overwritten silently. ``--quiet`` prints the summary line alone; a warning (a probe recorded
with a status that is rarely meant) goes to stderr either way.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from driftguard._commands import _options
from driftguard._commands._progress import erase_progress, probe_progress


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "snapshot",
        help="record the OpenAPI document and response shapes into a snapshot directory",
        description="Record TARGET's OpenAPI document and the response shapes of its probes "
        "into the snapshot directory, replacing what was there atomically.",
    )
    _options.target(parser)
    _options.snapshots(parser)
    parser.add_argument(
        "--force", action="store_true", help="replace an existing snapshot even when CI is set"
    )
    _options.ref_roots(parser)
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> int:
    from driftguard.snapshots.gate import snapshot

    progress = probe_progress(args)
    try:
        result = snapshot(
            args.target,
            snapshots=args.dir,
            probes=args.probes,
            config=config.with_ref_roots(args.ref_root),
            spec_url=args.spec_url,
            force=args.force,
            progress=progress,
        )
    finally:
        erase_progress(progress)
    sys.stderr.write("".join(f"warning: {warning}\n" for warning in result.warnings))
    lines = result.lines()
    sys.stdout.write("".join(line + "\n" for line in (lines[-1:] if args.quiet else lines)))
    return 0
