"""The html report: one self-contained page a reviewer opens from a CI artefact.

It leads with what the run was (command, targets, version, time, the git commit it ran on,
counts by severity and by source, notes), then every cause, breaking first, each folding out
to all of its findings with their evidence (before and after, the probe and its request, the
curl line of a fuzz run) and a paragraph on why its check matters. Filters by severity,
source and text run in an inline script, and the page reads whole without it.

The page is one file with no network access at all (no font, script or stylesheet from
elsewhere), so it works from an artefact store, an e-mail or a laptop offline. It is the
detailed view: ``--details`` changes nothing, and ``--show`` leaves out lesser causes whole.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import TYPE_CHECKING

from driftguard.formats.html._page import page

if TYPE_CHECKING:
    from driftguard.formats import FormatOptions
    from driftguard.report import Report

__all__ = ["git_commit", "render"]

_HEX = re.compile(r"[0-9a-f]{4,64}")


def git_commit() -> str | None:
    """The commit checked out in the current directory, if it is in a git repository.

    ``rev-parse`` reads local files only (never the network), takes milliseconds, and asks
    nothing: any failure (no git, no repository, no commit yet, a slow disk) means no commit.
    """
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and _HEX.fullmatch(commit) else None


def render(report: Report, options: FormatOptions) -> str:
    return page(report, options, commit=git_commit())
