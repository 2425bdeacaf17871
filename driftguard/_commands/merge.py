"""`driftguard merge FILE...`: JSON reports (the shards of a fuzz run...) as one report."""

from __future__ import annotations

import argparse
from typing import Any

from driftguard._commands import _options
from driftguard.report import Report


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "merge",
        help="join --format json reports (the shards of a fuzz run...) into one report",
        description="Read --format json reports of any command (the shards of one "
        "'driftguard fuzz --shard I/N' run in particular) and write them as one report: "
        "findings deduplicated by fingerprint, causes and summary counted again, the runs' "
        "targets, requests, seeds and notes combined.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a --format json report")
    _options.reporting(parser)
    _options.common(parser)


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.merge import load_report, merge_reports
    from driftguard.policy import apply_policy

    merged = merge_reports([(name, load_report(name)) for name in args.files])
    return apply_policy(merged, config)
