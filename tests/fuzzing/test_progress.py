"""The progress line of a fuzz run."""

from __future__ import annotations

from driftguard.fuzzing.progress import FuzzProgress, render


def test_progress_line_fits_the_terminal() -> None:
    progress = FuzzProgress(3, 8, "POST /items", 412, 2, 1.94)
    line = render(progress, 200)
    assert line == "fuzz [#######.............] 3/8 POST /items  412 requests  2 findings  1.9s"
    assert len(render(progress, 30)) == 29
