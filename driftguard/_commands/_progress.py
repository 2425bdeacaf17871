"""The probe progress line of ``snapshot`` and ``check``: on a terminal, never on a pipe."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["probe_progress"]


def probe_progress(args: argparse.Namespace) -> Any:
    """Progress on stderr when it is a terminal and not ``--quiet``; otherwise None."""
    if args.quiet or not sys.stderr.isatty():
        return None

    def show(index: int, total: int, probe: Any) -> None:
        end = "\n" if index == total else ""
        sys.stderr.write(f"\r\x1b[2K[{index}/{total}] {probe.name}: {probe.label}{end}")
        sys.stderr.flush()

    return show
