"""The probe progress line of ``snapshot`` and ``check``: on a terminal, never on a pipe, and
erased once the last probe is sent, so the report starts on a clean screen."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["erase_progress", "probe_progress"]


def probe_progress(args: argparse.Namespace) -> Any:
    """Progress on stderr when it is a terminal and not ``--quiet``; otherwise None."""
    if args.quiet or not sys.stderr.isatty():
        return None

    def show(index: int, total: int, probe: Any) -> None:
        sys.stderr.write(f"\r\x1b[2K[{index}/{total}] {probe.name}: {probe.label}")
        sys.stderr.flush()

    return show


def erase_progress(progress: Any) -> None:
    """Erase the progress line once the run is over (a no-op where none was drawn)."""
    if progress is not None:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
