"""Processes a test started, and theirs, as Linux's /proc shows them."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

__all__ = ["children", "left_running", "running", "wait_for_children"]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (an exited orphan may stay a zombie nobody reaps here)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for_children(
    process: subprocess.Popen[Any], count: int = 1, timeout: float = 60
) -> list[int]:
    """The children of ``process`` once it has ``count`` of them (it must keep running)."""
    deadline = time.monotonic() + timeout
    while len(found := children(process.pid)) < count:
        assert time.monotonic() < deadline, f"no {count} child process(es) within {timeout:g}s"
        assert process.poll() is None, "the process ended first"
        time.sleep(0.05)
    return found


def left_running(pids: list[int], timeout: float = 20) -> list[int]:
    """Those of ``pids`` still running after ``timeout`` seconds; each is then killed, so a
    failing test leaves nothing behind."""
    deadline = time.monotonic() + timeout
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in pids if running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left
