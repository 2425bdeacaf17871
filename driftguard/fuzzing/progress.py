"""A one-line progress bar for fuzz runs, drawn on a terminal and nowhere else.

The fuzzer reports :class:`FuzzProgress` snapshots to any callable; :class:`ProgressBar` is the
one the CLI passes when stderr is a terminal and ``--quiet`` is not set. On a pipe nothing is
drawn, so stdout and stderr carry the report and errors only.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import TextIO

__all__ = ["FuzzProgress", "ProgressBar"]


@dataclass(frozen=True)
class FuzzProgress:
    done: int  # operations finished
    total: int  # operations to fuzz
    operation: str | None  # the one being fuzzed now
    requests: int
    findings: int
    elapsed: float
    finished: bool = False


class ProgressBar:
    """Redraws at most ten times a second; erases itself when the run ends."""

    def __init__(self, stream: TextIO, *, interval: float = 0.1) -> None:
        self.stream = stream
        self.interval = interval
        self._last = 0.0
        self._drawn = False

    def __call__(self, progress: FuzzProgress) -> None:
        now = time.monotonic()
        if progress.finished:
            self.erase()
            return
        if now - self._last < self.interval:
            return
        self._last = now
        self.stream.write("\r\x1b[2K" + render(progress, shutil.get_terminal_size().columns))
        self.stream.flush()
        self._drawn = True

    def erase(self) -> None:
        """Erase the bar if one is drawn (the run ended, or was stopped by an error)."""
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False


def render(progress: FuzzProgress, width: int = 80) -> str:
    """``fuzz [#####.....] 3/8 POST /items  412 requests  2 findings  1.9s``, cut to ``width``."""
    slots = 20
    filled = slots * progress.done // max(progress.total, 1)
    bar = "#" * filled + "." * (slots - filled)
    line = (
        f"fuzz [{bar}] {progress.done}/{progress.total} {progress.operation or ''}  "
        f"{progress.requests} requests  {progress.findings} findings  {progress.elapsed:.1f}s"
    )
    return line[: max(width - 1, 10)]
