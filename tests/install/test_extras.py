"""The fuzz extra's range is stated once per reader and the three agree; without the extra,
``driftguard fuzz`` says what to install (run for real, without schemathesis, in
tests/install/test_fresh_venv.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from driftguard import _extras

ROOT = Path(__file__).resolve().parents[2]


def _fuzz_requirement() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (line,) = [r for r in project["optional-dependencies"]["fuzz"] if r.startswith("schemathesis")]
    assert not any(r.startswith(("schemathesis", "hypothesis")) for r in project["dependencies"])
    return str(line)


def test_pyproject_the_makefile_and_the_check_state_one_range() -> None:
    oldest = ".".join(map(str, _extras.SCHEMATHESIS_OLDEST))
    below = ".".join(map(str, _extras.SCHEMATHESIS_BELOW))
    assert _fuzz_requirement() == f"schemathesis>={oldest},<{below}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^SCHEMATHESIS_OLDEST \?= {re.escape(oldest)}$", makefile, re.M)
    newest = _extras.SCHEMATHESIS_NEWEST
    assert re.search(rf"^SCHEMATHESIS_NEWEST \?= {re.escape(newest)}$", makefile, re.M)
    assert _extras.SCHEMATHESIS_OLDEST <= _extras._release(newest) < _extras.SCHEMATHESIS_BELOW
    assert "make test-compat" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_installed_schemathesis_is_accepted() -> None:
    _extras.require_fuzz()


@pytest.mark.parametrize("installed", ["4.30.0", "4.33.0", "5.0.0", "3.39.16"])
def test_a_release_outside_the_range_is_refused_by_name(installed: str) -> None:
    assert _extras.unsupported(installed) == (
        f"driftguard fuzz supports schemathesis >=4.30.1,<4.33, not {installed}: "
        "pip install 'driftguard[fuzz]'"
    )


@pytest.mark.parametrize("installed", ["4.30.1", "4.31.0", "4.32.3", "4.32.5", "4.32.10"])
def test_a_release_inside_the_range_is_accepted(installed: str) -> None:
    assert _extras.unsupported(installed) is None
