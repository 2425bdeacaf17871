"""Processes a run starts end with it, even when it is killed outright.

A run stops its workers and its server in order when it ends, on an error, at Ctrl-C. A
run killed by SIGKILL (an out-of-memory killer, a CI job cancelled, ``kill -9``) runs no
code at all: its children would go on for nobody, a worker fuzzing for minutes, a server
holding its port. So each child watches the run that started it, by process id (passed in
the environment, for a parent that died while the child was starting), and ends when that
process is no longer its parent.
"""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["PARENT", "STOP_SECONDS", "end_with_parent"]

# The run's process id, in the environment of every process it starts.
PARENT = "DRIFTGUARD_FUZZ_PARENT"
# How long a server may take to stop after SIGTERM before it is killed: the run's own stop
# (serve.py) and a server whose run is gone (_served.py) allow the same.
STOP_SECONDS = 5.0
_POLL_SECONDS = 1.0


def end_with_parent(*, grace: float | None = None) -> None:
    """End this process when the run that started it is gone.

    Without ``grace``, at once (a worker has nothing to save). With it, by SIGTERM first, so
    that a server runs the app's shut-down, and by ``os._exit`` ``grace`` seconds later if
    that did not end it.
    """
    parent = int(os.environ.get(PARENT, os.getppid()))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        if grace is not None:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(grace)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
