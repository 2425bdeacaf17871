"""A time budget is shared fairly: one slow operation cannot take it all."""

from __future__ import annotations

import re

from driftguard import fuzz
from tests.fuzzing import judging_apps


def test_a_slow_operation_gets_its_share_and_every_operation_is_fuzzed() -> None:
    # GET /slow answers in 0.5 s: alone it could use up many times this budget
    report = fuzz(judging_apps.slow(), time_budget=6.0, seed=6)
    assert report.run is not None
    successes = report.run.successes
    assert set(successes) == {"GET /slow", "GET /a", "GET /b", "GET /c"}
    assert all(count > 0 for count in successes.values()), (successes, report.run.notes)
    # the slow one at least (quick ones may be cut too on a busy machine)
    cut = [note for note in report.run.notes if note.startswith("time budget of 6s: ")]
    assert cut, report.run.notes
    assert re.fullmatch(r"time budget of 6s: [1-4] of 4 operations cut short.*", cut[0])
    # the last operation may use the budget up: then only the probes after it are left out
    stopped = [note for note in report.run.notes if "reached after" in note]
    assert stopped in ([], ["time budget of 6s reached after 4 of 4 operations"]), stopped
