"""`driftguard diff OLD NEW`: compare two TARGETs' OpenAPI documents, classify every change."""

from __future__ import annotations

import argparse
from typing import Any

from driftguard.findings import Report


def run(args: argparse.Namespace, config: Any) -> Report:
    from driftguard.openapi.compare import diff_specs

    # The configuration also carries the timeout and headers for URL targets.
    report = diff_specs(
        args.old, args.new, config=config, allow_remote_refs=bool(args.allow_remote_refs)
    )
    if args.quiet:
        report.meta.pop("notes", None)
    return report
