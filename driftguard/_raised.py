"""What an exception that escaped an app says, for every report that shows one.

``driftguard fuzz`` and ``driftguard check`` both call an in-process app and may see it
raise; both name the exception and the innermost frame of the traceback in the user's own
code (not a library's, not driftguard's), by the one rule here.
"""

from __future__ import annotations

import functools
import os
import sys
import sysconfig
import traceback
from pathlib import Path

__all__ = ["app_frame", "clip", "raised_at"]


def clip(text: str, limit: int = 200) -> str:
    """``text`` on one line (white space folded), cut at ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit] + "..."


@functools.cache
def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths.get(name, "") for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    roots.add(str(Path(__file__).resolve().parent) + os.sep)  # driftguard's own frames
    return tuple(sorted(r for r in roots if r))


def app_frame(error: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the traceback in the user's code (not a library's)."""
    roots = _library_roots()
    # Without reading source lines: only file, line and function names are shown.
    frames = traceback.StackSummary.extract(
        traceback.walk_tb(error.__traceback__), lookup_lines=False
    )
    for frame in reversed(frames):
        if not frame.filename.startswith(roots) and not frame.filename.startswith("<"):
            return frame
    return None


def raised_at(error: BaseException) -> str | None:
    """``app/main.py:42 in create_user``: the app's innermost frame, its file relative to the
    current directory when it lies below it (a report pasted into a pull request)."""
    frame = app_frame(error)
    if frame is None:
        return None
    path = Path(frame.filename)
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return f"{shown}:{frame.lineno} in {frame.name}"
