"""An app that imports in the process that runs driftguard and in no process it starts.

Like an app that takes a port, a lock or a license seat when imported: the fuzz run's own
process holds it, so a ``--workers`` process cannot import the app, and the run must end
with one line that says so.
"""

import atexit
import os
import tempfile
from pathlib import Path

from fastapi import FastAPI

_CLAIMS = Path(tempfile.gettempdir())


def _claim() -> None:
    if (_CLAIMS / f"driftguard-fragile-{os.getppid()}").exists():
        raise RuntimeError("this app starts once per machine, and its parent process holds it")
    mine = _CLAIMS / f"driftguard-fragile-{os.getpid()}"
    mine.touch()
    atexit.register(mine.unlink, missing_ok=True)


_claim()
fragile_app = FastAPI(title="fragile")


@fragile_app.get("/first")
def first() -> dict[str, int]:
    return {"n": 1}


@fragile_app.get("/second")
def second() -> dict[str, int]:
    return {"n": 2}
