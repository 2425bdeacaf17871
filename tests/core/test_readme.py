"""The README's marked examples are what the commands print.

A ``console`` block right after ``<!-- readme-example: cwd=WHERE -->`` is run: each ``$``
line is a driftguard command, the lines after it are its standard output, and a line ``...``
stands for any number of lines left out. ``WHERE`` is ``specs`` (the real specifications in
../shared/specs), ``empty`` (a directory without a configuration file) or ``project`` (this
repository, whose pyproject.toml configures example_app, run with a fresh database).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_APP_ENV = {
    "SECRET_KEY": "readme-secret-key-that-is-long-enough-0123456789",
    "RATES_API_URL": "http://127.0.0.1:9",
}
MARK = re.compile(r"<!-- readme-example: cwd=(\w+) -->\n```console\n(.*?)\n```", re.S)
Example = tuple[str, list[str], list[str]]


def _examples() -> list[Example]:
    """``(cwd, command, expected lines)`` for every ``$`` line of every marked block."""
    found: list[Example] = []
    for where, block in MARK.findall(README.read_text(encoding="utf-8")):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *expected = chunk.split("\n")
            found.append((where, shlex.split(command), expected))
    return found


EXAMPLES = _examples()


def _matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` is ``actual`` with each ``...`` line standing for zero or more lines."""
    if not expected:
        return not actual
    head, *rest = expected
    if head == "...":
        return any(_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and _matches(rest, actual[1:])


def test_the_readme_has_its_examples() -> None:
    commands = [" ".join(command[:2]) for _, command, _ in EXAMPLES]
    assert commands.count("driftguard checks") == 2
    assert commands.count("driftguard diff") == 2


def test_ellipses_stand_for_any_lines() -> None:
    assert _matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert _matches(["a", "...", "b"], ["a", "b"])
    assert not _matches(["a", "...", "d"], ["a", "b", "c"])
    assert not _matches(["a"], ["a", "b"])


@pytest.mark.parametrize(("where", "command", "expected"), EXAMPLES, ids=lambda v: str(v)[:60])
def test_a_readme_example_is_what_the_command_prints(
    where: str, command: list[str], expected: list[str], specs_dir: Path, tmp_path: Path
) -> None:
    assert command[0] == "driftguard"
    cwd = {"specs": specs_dir, "empty": tmp_path, "project": README.parent}[where]
    env = None
    if where == "project":  # example_app, configured by the project's pyproject.toml
        env = {**os.environ, **EXAMPLE_APP_ENV, "DATABASE_PATH": str(tmp_path / "app.db")}
    result = subprocess.run(
        [sys.executable, "-m", "driftguard.cli", *command[1:]],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    actual = result.stdout.rstrip("\n").split("\n")
    assert _matches(expected, actual), "\n".join(actual)
