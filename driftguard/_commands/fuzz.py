"""`driftguard fuzz`: arguments and configuration into :func:`driftguard.fuzzing.run.fuzz`.

Anything not given on the command line comes from ``[tool.driftguard.fuzz]`` (and the target
from ``[tool.driftguard] target``). A progress bar goes to stderr when it is a terminal and
``--quiet`` is not set; on a pipe the report is all there is. ``--quiet`` also drops the run
notes (summary, seed, hints) from the report.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from driftguard.findings import Report


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.fuzzing.run import fuzz

    progress = None
    if not args.quiet and sys.stderr.isatty():
        from driftguard.fuzzing.progress import ProgressBar

        progress = ProgressBar(sys.stderr)
    target = args.target or config.target
    if args.spec_url:
        config = config.model_copy(update={"spec_url": args.spec_url})
    report = fuzz(
        target,
        max_examples=args.max_examples,
        seed=args.seed,
        time_budget=args.time_budget,
        concurrency=args.concurrency,
        strict=True if args.strict else None,
        headers=list(args.header or []),
        operations=list(args.operation or []),
        config=config,
        progress=progress,
    )
    if args.quiet:
        report.meta["notes"] = []  # only the report: no run summary, seed or hints
    return report
